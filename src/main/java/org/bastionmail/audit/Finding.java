package org.bastionmail.audit;

/**
 * One result of an audit.
 *
 * @param id a stable identifier tools can match on, e.g. {@code smtp.open-relay}
 * @param subject what was checked: the domain, {@code host:port}, or a DNS name
 * @param evidence the exact record or protocol exchange that shows it
 * @param fix what to change, in plain words (empty for purely informative findings)
 */
public record Finding(String id, Severity severity, String subject, String title, String evidence, String fix) {
    static Finding info(String id, String subject, String title, String evidence) {
        return new Finding(id, Severity.INFO, subject, title, evidence, "");
    }
}
