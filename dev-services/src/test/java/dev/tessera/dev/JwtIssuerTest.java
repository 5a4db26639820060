package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local key pair and its tokens, as the services' tests and ./run.sh use them. */
class JwtIssuerTest {

    @TempDir Path dir;

    @Test
    void keepsItsKeyPairSoTokensOfAnEarlierRunStayValid() throws Exception {
        String earlier = JwtIssuer.loadOrCreate(dir).token("read:*");
        JwtIssuer again = JwtIssuer.loadOrCreate(dir);

        SignedJWT jwt = SignedJWT.parse(earlier);
        assertThat(jwt.verify(new RSASSAVerifier(publicKey(again.publicKeyFile())))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(JwtIssuer.ISSUER);
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(JwtIssuer.AUDIENCE);
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("read:*");
        assertThat(again.serviceConfig())
                .containsEntry(
                        "mp.jwt.verify.publickey.location",
                        again.publicKeyFile().toUri().toString())
                .containsEntry("mp.jwt.verify.issuer", JwtIssuer.ISSUER)
                .containsEntry("mp.jwt.verify.audiences", JwtIssuer.AUDIENCE);
    }

    @Test
    void writesTokensAndThePrivateKeyReadableByTheOwnerOnly() throws Exception {
        JwtIssuer issuer = JwtIssuer.loadOrCreate(dir);
        Path token =
                issuer.writeToken(
                        dir.resolve("tokens/producer.jwt"),
                        Duration.ofDays(365),
                        "produce:*",
                        "read:user");

        SignedJWT jwt = SignedJWT.parse(Files.readString(token).trim());
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("produce:* read:user");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime())
                .isAfter(new Date(System.currentTimeMillis() + Duration.ofDays(364).toMillis()));
        for (Path secret : List.of(token, dir.resolve(JwtIssuer.PRIVATE_KEY))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void anUntrustedIssuersTokensDoNotVerifyWithTheKey() throws Exception {
        JwtIssuer trusted = JwtIssuer.loadOrCreate(dir);
        SignedJWT jwt = SignedJWT.parse(JwtIssuer.untrusted().token("read:*"));
        assertThat(jwt.verify(new RSASSAVerifier(publicKey(trusted.publicKeyFile())))).isFalse();
    }

    private static RSAPublicKey publicKey(Path pem) throws Exception {
        String base64 =
                Files.readString(pem)
                        .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                        .replaceAll("\\s", "");
        return (RSAPublicKey)
                KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
