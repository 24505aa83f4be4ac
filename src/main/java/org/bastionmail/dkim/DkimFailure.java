package org.bastionmail.dkim;

/** Why a signature or key cannot be used; carries the verdict it leads to. Internal to verification. */
final class DkimFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final DkimVerdict verdict;

    DkimFailure(DkimVerdict verdict, String reason) {
        super(reason, null, false, false);
        this.verdict = verdict;
    }

    static DkimFailure perm(String reason) {
        return new DkimFailure(DkimVerdict.PERMERROR, reason);
    }
}
