package dev.tessera.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantsTest {

    @Test
    void aGrantOfTheNameOrOfEveryNameAllows() {
        assertThatCode(() -> Grants.require(holding("produce:clicks"), "produce", "clicks"))
                .doesNotThrowAnyException();
        assertThatCode(() -> Grants.require(holding("read:*"), "read", "user"))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherNameActionOrAPrefixDoesNot() {
        for (SecurityContext caller :
                new SecurityContext[] {
                    holding("produce:clicks"),
                    holding("read:transactions", "read:*"),
                    holding("produce:transaction"),
                    holding()
                }) {
            assertThatThrownBy(() -> Grants.require(caller, "produce", "transactions"))
                    .isInstanceOf(NotGrantedException.class)
                    .hasMessage("the token grants neither produce:transactions nor produce:*");
        }
    }

    /** A caller holding these grants (as roles, from the token's scope claim). */
    private static SecurityContext holding(String... grants) {
        Set<String> roles = Set.of(grants);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "caller";
            }

            @Override
            public boolean isUserInRole(String role) {
                return roles.contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }
}
