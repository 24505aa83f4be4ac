package org.bastionmail.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.bastionmail.dmarc.AggregateRecord;

/**
 * Writes a {@link DmarcReport} as the "feedback" document of RFC 7489 appendix C. Elements come in the
 * schema's order; every text is escaped by the XML writer and stripped of characters XML 1.0 forbids.
 */
final class DmarcXml {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private DmarcXml() {}

    /** The report's XML, UTF-8. */
    static byte[] write(DmarcReport report, String receiver, String orgName, String email) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + report.rows().size() * 600);
        write(report, receiver, orgName, email, bytes);
        return bytes.toByteArray();
    }

    /** The XML compressed with gzip (RFC 7489 7.2.1.1: the report is sent gzip'd). */
    static byte[] gzip(byte[] xml) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(xml.length / 8 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DmarcReport report, String receiver, String orgName, String email, OutputStream out) {
        try {
            XMLStreamWriter x = FACTORY.createXMLStreamWriter(out, StandardCharsets.UTF_8.name());
            x.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            x.writeStartElement("feedback");
            element(x, "version", "1.0");

            x.writeStartElement("report_metadata");
            element(x, "org_name", orgName);
            element(x, "email", email);
            element(x, "report_id", report.reportId(receiver));
            x.writeStartElement("date_range");
            element(x, "begin", Long.toString(report.begin().getEpochSecond()));
            element(x, "end", Long.toString(report.end().getEpochSecond()));
            x.writeEndElement();
            if (report.omitted() > 0) {
                element(x, "error", report.omitted() + " messages left out: more than "
                        + DmarcReport.MAX_ROWS + " distinct rows");
            }
            x.writeEndElement();

            AggregateRecord.Published p = report.published();
            x.writeStartElement("policy_published");
            element(x, "domain", report.policyDomain());
            element(x, "adkim", p.adkim());
            element(x, "aspf", p.aspf());
            element(x, "p", p.p());
            element(x, "sp", p.sp());
            element(x, "pct", Integer.toString(p.pct()));
            x.writeEndElement();

            for (DmarcReport.Row row : report.rows()) {
                record(x, row);
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the DMARC report", e);
        }
    }

    private static void record(XMLStreamWriter x, DmarcReport.Row row) throws XMLStreamException {
        DmarcReport.Outcome o = row.outcome();
        x.writeStartElement("record");
        x.writeStartElement("row");
        element(x, "source_ip", o.sourceIp());
        element(x, "count", Long.toString(row.count()));
        x.writeStartElement("policy_evaluated");
        element(x, "disposition", o.disposition());
        element(x, "dkim", o.dkimAligned() ? "pass" : "fail");
        element(x, "spf", o.spfAligned() ? "pass" : "fail");
        for (String reason : o.reasons()) {
            x.writeStartElement("reason");
            element(x, "type", reason);
            x.writeEndElement();
        }
        x.writeEndElement();
        x.writeEndElement();

        x.writeStartElement("identifiers");
        // RFC 7489 C: envelope_from is required; the null sender has an empty one.
        element(x, "envelope_from", o.envelopeFrom());
        element(x, "header_from", o.headerFrom());
        x.writeEndElement();

        x.writeStartElement("auth_results");
        for (AggregateRecord.DkimAuth dkim : o.dkim()) {
            x.writeStartElement("dkim");
            element(x, "domain", dkim.domain());
            if (!dkim.selector().isEmpty()) {
                element(x, "selector", dkim.selector());
            }
            element(x, "result", dkim.result());
            x.writeEndElement();
        }
        if (o.spf().isEmpty()) {
            // RFC 7489 C: at least one spf element; no SPF check is reported as "none" for MAIL FROM.
            spf(x, o.envelopeFrom().isEmpty() ? o.headerFrom() : o.envelopeFrom(), "mfrom", "none");
        }
        for (AggregateRecord.SpfAuth spf : o.spf()) {
            spf(x, spf.domain(), spf.scope(), spf.result());
        }
        x.writeEndElement();
        x.writeEndElement();
    }

    private static void spf(XMLStreamWriter x, String domain, String scope, String result) throws XMLStreamException {
        x.writeStartElement("spf");
        element(x, "domain", domain);
        element(x, "scope", scope);
        element(x, "result", result);
        x.writeEndElement();
    }

    private static void element(XMLStreamWriter x, String name, String text) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeCharacters(xmlText(text));
        x.writeEndElement();
    }

    /** XML 1.0 2.2: only tab, LF, CR and the characters from U+0020 are allowed (lone surrogates are not). */
    static String xmlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xfffd && !Character.isSurrogate(c))) {
                out.append(c);
            } else {
                out.append('?');
            }
        }
        return out.toString();
    }
}
