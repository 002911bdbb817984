/**
 * What makes the report an archival PDF (aiming at PDF/A-2b): the document information and the
 * same facts as XMP metadata on the catalog, an sRGB output intent carrying its ICC profile,
 * and a document ID in the trailer. Fonts are embedded by pdf-fonts.ts; nothing is transparent.
 */
import { PDFArray, PDFHexString, PDFName, PDFString, type PDFDocument } from 'pdf-lib';

export type DocumentMeta = Readonly<{
  title: string;
  author: string;
  subject: string;
  keywords: readonly string[];
  creator: string;
  producer: string;
  createdAt: number;
  language: string;
  /** 16 bytes: the trailer's document ID (both halves: a new document). */
  id: Uint8Array;
}>;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** ISO 8601 to the second, UTC: the same instant as the Info dictionary's "D:…Z" date. */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function xmpPacket(m: DocumentMeta): string {
  const date = isoSeconds(m.createdAt);
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(m.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${xml(m.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(m.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>${xml(m.language)}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>${xml(m.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>${date}</xmp:CreateDate>
   <xmp:ModifyDate>${date}</xmp:ModifyDate>
   <xmp:MetadataDate>${date}</xmp:MetadataDate>
   <pdf:Producer>${xml(m.producer)}</pdf:Producer>
   <pdf:Keywords>${xml(m.keywords.join(' '))}</pdf:Keywords>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

export function applyArchivalMetadata(doc: PDFDocument, m: DocumentMeta, srgbIcc: Uint8Array): void {
  const created = new Date(Math.floor(m.createdAt / 1000) * 1000);
  doc.setTitle(m.title, { showInWindowTitleBar: true });
  doc.setAuthor(m.author);
  doc.setSubject(m.subject);
  doc.setKeywords([...m.keywords]);
  doc.setCreator(m.creator);
  doc.setProducer(m.producer);
  doc.setCreationDate(created);
  doc.setModificationDate(created);
  doc.setLanguage(m.language);

  const ctx = doc.context;
  // XMP: uncompressed, as PDF/A readers expect to find it.
  const metadata = ctx.stream(new TextEncoder().encode(xmpPacket(m)), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), ctx.register(metadata));

  const profile = ctx.register(ctx.flateStream(srgbIcc, { N: 3 }));
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  const intents = PDFArray.withContext(ctx);
  intents.push(ctx.register(intent));
  doc.catalog.set(PDFName.of('OutputIntents'), intents);

  const id = PDFHexString.of(Buffer.from(m.id).toString('hex').toUpperCase());
  ctx.trailerInfo.ID = ctx.obj([id, id]);
}
