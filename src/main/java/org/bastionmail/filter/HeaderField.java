package org.bastionmail.filter;

/**
 * One field of a header section as received: its name and everything after the colon, folding CRLFs
 * included, without the final CRLF. Octets are kept as ISO-8859-1 characters, so nothing is lost.
 */
public record HeaderField(String name, String value) {}
