package org.bastionmail.filter.milter;

/**
 * The numbers of the Sendmail milter protocol, version 6, as libmilter's mfdef.h defines them and Postfix
 * speaks them (there is no RFC; Postfix's MILTER_README and libmilter's documentation describe it).
 */
final class MilterProtocol {
    private MilterProtocol() {}

    static final int VERSION = 6;

    // Commands, MTA to milter (SMFIC_*)
    static final byte ABORT = 'A';
    static final byte BODY = 'B';
    static final byte CONNECT = 'C';
    static final byte MACRO = 'D';
    static final byte BODYEOB = 'E';
    static final byte HELO = 'H';
    static final byte HEADER = 'L';
    static final byte MAIL = 'M';
    static final byte EOH = 'N';
    static final byte OPTNEG = 'O';
    static final byte QUIT = 'Q';
    static final byte RCPT = 'R';
    static final byte DATA = 'T';

    // Replies, milter to MTA (SMFIR_*)
    static final byte R_ADDRCPT = '+';
    static final byte R_DELRCPT = '-';
    static final byte R_ADDRCPT_PAR = '2';
    static final byte R_SHUTDOWN = '4';
    static final byte R_ACCEPT = 'a';
    static final byte R_REPLBODY = 'b';
    static final byte R_CONTINUE = 'c';
    static final byte R_DISCARD = 'd';
    static final byte R_CHGFROM = 'e';
    static final byte R_CONN_FAIL = 'f';
    static final byte R_ADDHEADER = 'h';
    static final byte R_INSHEADER = 'i';
    static final byte R_SETSYMLIST = 'l';
    static final byte R_CHGHEADER = 'm';
    static final byte R_PROGRESS = 'p';
    static final byte R_QUARANTINE = 'q';
    static final byte R_REJECT = 'r';
    static final byte R_SKIP = 's';
    static final byte R_TEMPFAIL = 't';
    static final byte R_REPLYCODE = 'y';

    // Actions the MTA allows (SMFIF_*). Bastion offers only header changes and quarantine: recipient, sender
    // and body changes (ADDRCPT, DELRCPT, CHGFROM, CHGBODY) are not offered, so a milter cannot ask for them.
    static final int ACT_ADDHDRS = 0x01;
    static final int ACT_CHGBODY = 0x02;
    static final int ACT_ADDRCPT = 0x04;
    static final int ACT_DELRCPT = 0x08;
    static final int ACT_CHGHDRS = 0x10;
    static final int ACT_QUARANTINE = 0x20;
    static final int ACT_CHGFROM = 0x40;
    static final int ACT_ADDRCPT_PAR = 0x80;
    static final int ACT_SETSYMLIST = 0x100;
    static final int OFFERED_ACTIONS = ACT_ADDHDRS | ACT_CHGHDRS | ACT_QUARANTINE;

    // Protocol steps a milter may turn off, or ask no reply for (SMFIP_*)
    static final int P_NOCONNECT = 0x01;
    static final int P_NOHELO = 0x02;
    static final int P_NOMAIL = 0x04;
    static final int P_NORCPT = 0x08;
    static final int P_NOBODY = 0x10;
    static final int P_NOHDRS = 0x20;
    static final int P_NOEOH = 0x40;
    static final int P_NR_HDR = 0x80;
    static final int P_NOUNKNOWN = 0x100;
    static final int P_NODATA = 0x200;
    static final int P_SKIP = 0x400;
    static final int P_RCPT_REJ = 0x800;
    static final int P_NR_CONN = 0x1000;
    static final int P_NR_HELO = 0x2000;
    static final int P_NR_MAIL = 0x4000;
    static final int P_NR_RCPT = 0x8000;
    static final int P_NR_DATA = 0x10000;
    static final int P_NR_UNKN = 0x20000;
    static final int P_NR_EOH = 0x40000;
    static final int P_NR_BODY = 0x80000;
    static final int P_HDR_LEADSPC = 0x100000;
    /**
     * Every step may be left out or left unanswered, and SMFIR_SKIP is understood. Not offered: RCPT_REJ
     * (only accepted recipients exist at the end of DATA), HDR_LEADSPC, and the larger body chunks (MDS_256K/1M).
     */
    static final int OFFERED_PROTOCOL = P_NOCONNECT | P_NOHELO | P_NOMAIL | P_NORCPT | P_NOBODY | P_NOHDRS | P_NOEOH
            | P_NR_HDR | P_NOUNKNOWN | P_NODATA | P_SKIP | P_NR_CONN | P_NR_HELO | P_NR_MAIL | P_NR_RCPT | P_NR_DATA
            | P_NR_UNKN | P_NR_EOH | P_NR_BODY;

    /** Body chunks are at most this long (libmilter's MILTER_CHUNK_SIZE). */
    static final int CHUNK = 65_535;
    /** The longest packet Bastion reads; libmilter's own limit is far larger, but no reply needs more. */
    static final int MAX_PACKET = 1 << 20;
}
