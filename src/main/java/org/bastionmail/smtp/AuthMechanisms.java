package org.bastionmail.smtp;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.bastionmail.sasl.SaslMechanism;

/** The SASL mechanisms a session offers in AUTH (RFC 4954), and a fresh server instance of one by name. */
public interface AuthMechanisms {
    /** Names to advertise, in order of preference, upper case. */
    List<String> names();

    /** A new exchange for the mechanism {@code name} (upper case), if it is offered. */
    Optional<SaslMechanism> create(String name);

    static AuthMechanisms of(List<String> names, Function<String, Optional<SaslMechanism>> factory) {
        List<String> copy = List.copyOf(names);
        return new AuthMechanisms() {
            @Override
            public List<String> names() {
                return copy;
            }

            @Override
            public Optional<SaslMechanism> create(String name) {
                return copy.contains(name) ? factory.apply(name) : Optional.empty();
            }
        };
    }

    static AuthMechanisms none() {
        return of(List.of(), name -> Optional.empty());
    }
}
