import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PracticeWebApp } from './PracticeWebApp';
import '../styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <PracticeWebApp />
  </StrictMode>,
);
