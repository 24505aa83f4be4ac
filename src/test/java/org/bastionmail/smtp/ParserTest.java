package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.mail.AddressList;
import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command, path, parameter, xtext and address-list parsers, with hostile input. */
class ParserTest {

    @Test
    void commands() {
        assertThat(CommandParser.parse("ehlo client.example")).isEqualTo(new SmtpCommand.Ehlo("client.example"));
        assertThat(CommandParser.parse("EHLO [192.0.2.1]")).isEqualTo(new SmtpCommand.Ehlo("[192.0.2.1]"));
        assertThat(CommandParser.parse("MAIL FROM:<a@b.example> SIZE=10"))
                .isEqualTo(new SmtpCommand.Mail("a@b.example", "SIZE=10"));
        assertThat(CommandParser.parse("mail from: <a@b.example>")).isEqualTo(new SmtpCommand.Mail("a@b.example", ""));
        assertThat(CommandParser.parse("RCPT TO:<\"a>b\"@c.example> NOTIFY=NEVER"))
                .isEqualTo(new SmtpCommand.Rcpt("\"a>b\"@c.example", "NOTIFY=NEVER"));
        assertThat(CommandParser.parse("BDAT 100 LAST")).isEqualTo(new SmtpCommand.Bdat(100, true));
        assertThat(CommandParser.parse("BDAT 0")).isEqualTo(new SmtpCommand.Bdat(0, false));
        assertThat(CommandParser.parse("AUTH plain AGFAYg==")).isEqualTo(new SmtpCommand.Auth("PLAIN", Optional.of("AGFAYg==")));
        assertThat(CommandParser.parse("AUTH PLAIN =")).isEqualTo(new SmtpCommand.Auth("PLAIN", Optional.of("=")));
        assertThat(CommandParser.parse("AUTH LOGIN")).isEqualTo(new SmtpCommand.Auth("LOGIN", Optional.empty()));
        assertThat(CommandParser.parse("STARTTLS")).isEqualTo(new SmtpCommand.StartTls());
        assertThat(CommandParser.parse("GET / HTTP/1.1")).isEqualTo(new SmtpCommand.Unknown("GET"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EHLO", "EHLO ", "EHLO a b", "EHLO a;b", "EHLO [1.2.3.4", "HELO x(y)", "MAIL TO:<a@b>",
        "MAIL FROM:a@b.example", "MAIL FROM:<a@b.example", "MAIL FROM:<a@b.example>SIZE=1", "RCPT TO:<\"a>",
        "DATA x", "RSET x", "QUIT now", "STARTTLS x", "BDAT", "BDAT -1", "BDAT 1 FIRST", "BDAT 1234567890123456789",
        "BDAT 1 LAST x", "BDAT 0x10", "AUTH", "AUTH PLAIN a b", "AUTH PL@IN", "AUTH PLAIN not*base64", "AUTH PLAIN ",
        "VRFY", "EXPN"})
    void malformed_commands(String line) {
        assertThat(CommandParser.parse(line)).isInstanceOf(SmtpCommand.Malformed.class);
    }

    @Test
    void paths() {
        assertThat(PathParser.parse("")).contains(new SmtpPath.NullPath());
        assertThat(PathParser.parse("PostMaster")).contains(new SmtpPath.Postmaster());
        assertThat(PathParser.parse("a.b@c.example"))
                .contains(new SmtpPath.Mailbox(new MailAddress("a.b", "c.example"), false, false));
        assertThat(PathParser.parse("\"john \\\"doe\\\"\"@c.example"))
                .contains(new SmtpPath.Mailbox(new MailAddress("john \"doe\"", "c.example"), false, false));
        assertThat(PathParser.parse("@r1.example,@r2.example:u@c.example"))
                .contains(new SmtpPath.Mailbox(new MailAddress("u", "c.example"), false, true));
        assertThat(PathParser.parse("u@[192.0.2.1]"))
                .contains(new SmtpPath.Mailbox(new MailAddress("u", "[192.0.2.1]"), true, false));
        assertThat(PathParser.parse("u@[IPv6:2001:db8::1]")).isPresent();
        assertThat(PathParser.parse("jörg@bücher.example")).isPresent();
        assertThat(((SmtpPath.Mailbox) PathParser.parse("jörg@bücher.example").orElseThrow()).isAscii()).isFalse();
        assertThat(((SmtpPath.Mailbox) PathParser.parse("a%b@c.example").orElseThrow()).hasRelaySyntax()).isTrue();
        assertThat(((SmtpPath.Mailbox) PathParser.parse("b!a@c.example").orElseThrow()).hasRelaySyntax()).isTrue();
        assertThat(((SmtpPath.Mailbox) PathParser.parse("\"a@b\"@c.example").orElseThrow()).hasRelaySyntax()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b@c.example", "a", "@c.example", "a@", "a..b@c.example", ".a@c.example", "a.@c.example",
        "a b@c.example", "a@c..example", "a@-c.example", "a@c-.example", "a@c.example.", "a@c_d.example",
        "\"a@c.example", "\"a\"b@c.example", "\"a\\\u0001\"@c.example", "a@[300.1.1.1]", "a@[1.2.3]",
        "a@[IPv6:1.2.3.4]", "a@[IPv6:zz::1]", "a@[tag:general]", "a@[]", "@c.example:", "@:a@c.example",
        "@c.example,d:a@b.example", "a(comment)@c.example", "a@c.example>", "postmaster@", "<a@c.example>",
        "a\u0000@c.example", "a\r\n@c.example"})
    void invalid_paths(String path) {
        assertThat(PathParser.parse(path)).isEmpty();
    }

    @Test
    void path_length_limits() {
        assertThat(PathParser.parse("a".repeat(64) + "@c.example")).isPresent();
        assertThat(PathParser.parse("a".repeat(65) + "@c.example")).isEmpty();
        assertThat(PathParser.parse("a@" + "b".repeat(64) + ".example")).isEmpty();
        assertThat(PathParser.parse("a@" + "bbbbbbbbb.".repeat(30) + "example")).isEmpty();
    }

    @Test
    void esmtp_params() {
        assertThat(EsmtpParams.parse("SIZE=10 body=8BITMIME SMTPUTF8", false))
                .contains(Map.of("SIZE", "10", "BODY", "8BITMIME", "SMTPUTF8", ""));
        assertThat(EsmtpParams.parse("SIZE=", false)).isEmpty();
        assertThat(EsmtpParams.parse("SIZE=1 size=2", false)).isEmpty();
        assertThat(EsmtpParams.parse("-X=1", false)).isEmpty();
        assertThat(EsmtpParams.parse("X=a=b", false)).isEmpty();
        assertThat(EsmtpParams.parse("X=ü", false)).isEmpty();
        assertThat(EsmtpParams.parse("X=ü", true)).isPresent();
        assertThat(EsmtpParams.parse("A ".repeat(17).strip(), false)).isEmpty();
    }

    @Test
    void mail_and_rcpt_parameters() throws Rejection {
        MailParameters mail = MailParameters.parse(Map.of("ENVID", "QQ+2B+3D", "RET", "full"));
        assertThat(mail.envId()).contains("QQ+=");
        assertThatThrownBy(() -> MailParameters.parse(Map.of("BODY", "BINARYMIME"))).isInstanceOf(Rejection.class);
        assertThatThrownBy(() -> MailParameters.parse(Map.of("RET", "ALL"))).isInstanceOf(Rejection.class);
        assertThatThrownBy(() -> MailParameters.parse(Map.of("ENVID", "x".repeat(101)))).isInstanceOf(Rejection.class);
        assertThatThrownBy(() -> MailParameters.parse(Map.of("SMTPUTF8", "yes"))).isInstanceOf(Rejection.class);
        RcptParameters rcpt = RcptParameters.parse(Map.of("ORCPT", "rfc822;a+2Bb@c.example", "NOTIFY", "FAILURE"));
        assertThat(rcpt.orcpt()).contains("rfc822;a+b@c.example");
        for (String bad : List.of("rfc822", ";a@b", "rfc822;", "rfc822;a+2", "rfc 822;a")) {
            assertThatThrownBy(() -> RcptParameters.parse(Map.of("ORCPT", bad))).as(bad).isInstanceOf(Rejection.class);
        }
        for (String bad : List.of("", "NEVER,DELAY", "SUCCESS,SUCCESS", "SOMETIMES", "SUCCESS,")) {
            assertThatThrownBy(() -> RcptParameters.parse(Map.of("NOTIFY", bad))).as(bad).isInstanceOf(Rejection.class);
        }
    }

    @Test
    void xtext() {
        assertThat(Xtext.decode("abc+2Bdef")).contains("abc+def");
        assertThat(Xtext.decode("+C3+A9")).contains("é");
        assertThat(Xtext.decode("a+2b")).isEmpty(); // hexchar is upper case
        assertThat(Xtext.decode("a+2")).isEmpty();
        assertThat(Xtext.decode("a+")).isEmpty();
        assertThat(Xtext.decode("a=b")).isEmpty();
        assertThat(Xtext.decode("a b")).isEmpty();
        assertThat(Xtext.decode("+FF")).isEmpty(); // not UTF-8
    }

    @Test
    void address_lists() {
        assertThat(AddressList.parse(" alice@example.test")).contains(List.of(new MailAddress("alice", "example.test")));
        assertThat(AddressList.parse(" \"Smith, John\" <john@x.example>, Mary <mary@y.example>"))
                .contains(List.of(new MailAddress("john", "x.example"), new MailAddress("mary", "y.example")));
        assertThat(AddressList.parse(" Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"))
                .contains(List.of(new MailAddress("pete", "silly.test")));
        assertThat(AddressList.parse(" A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"))
                .contains(List.of(new MailAddress("c", "a.test"), new MailAddress("joe", "where.test"),
                        new MailAddress("jdoe", "one.test")));
        assertThat(AddressList.parse(" Undisclosed recipients:;")).contains(List.of());
        assertThat(AddressList.parse(" \"a b\".c@[192.0.2.1]")).contains(List.of(new MailAddress("a b.c", "[192.0.2.1]")));
        assertThat(AddressList.parse(" John Q. Public <jqp@x.example>")).contains(List.of(new MailAddress("jqp", "x.example")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "<a@b", "a@b>", "<a@b> <c@d>", "<a@b> trailing", "a@b@c", "(unclosed a@b",
        "\"unclosed <a@b>", "Group: a@b", "a@", "@b", "a.@b", "<>", "a@b.", "[a@b"})
    void invalid_address_lists(String value) {
        assertThat(AddressList.parse(value)).isEmpty();
    }
}
