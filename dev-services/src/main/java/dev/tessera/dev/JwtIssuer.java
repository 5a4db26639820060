package dev.tessera.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A local stand-in for an OAuth2 authorization server: an RSA key pair kept as PEM files, and RS256
 * bearer JWTs signed with it, carrying grants in their {@code scope} claim (such as {@code
 * produce:*} or {@code read:user}). {@code ./run.sh} and the tests configure the gateway and the
 * reader with {@link #serviceConfig()} and call them with its tokens.
 */
public final class JwtIssuer {

    /** The issuer ({@code iss}) of local tokens. */
    public static final String ISSUER = "https://tessera.local";

    /** The audience ({@code aud}) of local tokens, which the gateway and the reader require. */
    public static final String AUDIENCE = "tessera";

    static final String PUBLIC_KEY = "public.pem";
    static final String PRIVATE_KEY = "private.pem";

    private final KeyPair keys;
    private final Path publicKeyFile;

    private JwtIssuer(KeyPair keys, Path publicKeyFile) {
        this.keys = keys;
        this.publicKeyFile = publicKeyFile;
    }

    /**
     * The key pair in {@code dir} ({@value #PRIVATE_KEY}, {@value #PUBLIC_KEY}); a new one is
     * created there first if there is none, so tokens written before stay valid across runs.
     */
    public static JwtIssuer loadOrCreate(Path dir) {
        Path publicKey = dir.resolve(PUBLIC_KEY).toAbsolutePath();
        Path privateKey = dir.resolve(PRIVATE_KEY).toAbsolutePath();
        try {
            if (!Files.exists(privateKey) || !Files.exists(publicKey)) {
                KeyPair created = newKeyPair();
                Files.createDirectories(dir);
                writeOwnerOnly(privateKey, pem("PRIVATE KEY", created.getPrivate().getEncoded()));
                Files.writeString(publicKey, pem("PUBLIC KEY", created.getPublic().getEncoded()));
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PublicKey pub = rsa.generatePublic(new X509EncodedKeySpec(der(publicKey)));
            PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(privateKey)));
            return new JwtIssuer(new KeyPair(pub, priv), publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the key pair in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA key pair in " + dir, e);
        }
    }

    /** A key pair of its own that no service trusts, for tokens with a bad signature. */
    public static JwtIssuer untrusted() {
        return new JwtIssuer(newKeyPair(), null);
    }

    /** The PEM file of the public key the services verify tokens with. */
    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /**
     * The settings that make a service trust this issuer's tokens ({@code quarkus-smallrye-jwt}).
     */
    public Map<String, String> serviceConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("mp.jwt.verify.publickey.location", publicKeyFile.toUri().toString());
        config.put("mp.jwt.verify.issuer", ISSUER);
        config.put("mp.jwt.verify.audiences", AUDIENCE);
        return config;
    }

    /**
     * A bearer credential the services must refuse with 401 whatever it grants.
     *
     * @param reason the reason the services count it under ({@code tessera_auth_refusals_total})
     * @param token the credential, made when asked (null: no Authorization header at all)
     */
    public record Unverifiable(String name, Supplier<String> token, String reason) {}

    /**
     * Every way a credential fails verification, each granting {@code grants} otherwise: none, not
     * a JWT, expired, another issuer, another audience, signed by a key the services do not trust.
     *
     * @param issuer the trusted issuer, asked only when a token is made (a test's may not exist
     *     yet)
     */
    public static List<Unverifiable> unverifiable(Supplier<JwtIssuer> issuer, String... grants) {
        return List.of(
                new Unverifiable("no token", () -> null, "missing_token"),
                new Unverifiable("not a JWT", () -> "not-a-jwt", "malformed_token"),
                new Unverifiable(
                        "expired",
                        () ->
                                issuer.get()
                                        .claims()
                                        .grants(grants)
                                        .issuedAt(Instant.now().minus(Duration.ofHours(2)))
                                        .sign(),
                        "expired_token"),
                new Unverifiable(
                        "another issuer",
                        () ->
                                issuer.get()
                                        .claims()
                                        .grants(grants)
                                        .issuer("https://elsewhere")
                                        .sign(),
                        "wrong_issuer"),
                new Unverifiable(
                        "another audience",
                        () -> issuer.get().claims().grants(grants).audience("billing").sign(),
                        "wrong_audience"),
                new Unverifiable(
                        "signed by an untrusted key",
                        () -> untrusted().token(grants),
                        "bad_signature"));
    }

    /** A token valid for an hour with these grants. */
    public String token(String... grants) {
        return claims().grants(grants).sign();
    }

    /** A token to vary (issuer, audience, lifetime, key) before signing it. */
    public Token claims() {
        return new Token(this);
    }

    /** Writes a token valid for {@code lifetime} with these grants to {@code file}. */
    public Path writeToken(Path file, Duration lifetime, String... grants) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            writeOwnerOnly(file, claims().grants(grants).lifetime(lifetime).sign() + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The claims of one token; by default this issuer's, for the audience, valid for an hour. */
    public static final class Token {

        private final JwtIssuer issuer;
        private String iss = ISSUER;
        private String aud = AUDIENCE;
        private Instant issuedAt = Instant.now();
        private Duration lifetime = Duration.ofHours(1);
        private List<String> grants = List.of();
        private String subject = "tessera-local";

        private Token(JwtIssuer issuer) {
            this.issuer = issuer;
        }

        public Token grants(String... grants) {
            this.grants = List.of(grants);
            return this;
        }

        public Token issuer(String iss) {
            this.iss = iss;
            return this;
        }

        public Token audience(String aud) {
            this.aud = aud;
            return this;
        }

        public Token subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** Valid from {@code issuedAt} for {@code lifetime}: a past instant makes it expired. */
        public Token issuedAt(Instant issuedAt) {
            this.issuedAt = issuedAt;
            return this;
        }

        public Token lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /** The compact RS256 JWT. */
        public String sign() {
            JWTClaimsSet claims =
                    new JWTClaimsSet.Builder()
                            .issuer(iss)
                            .audience(aud)
                            .subject(subject)
                            .jwtID(UUID.randomUUID().toString())
                            .issueTime(Date.from(issuedAt))
                            .expirationTime(Date.from(issuedAt.plus(lifetime)))
                            .claim("scope", String.join(" ", grants))
                            .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            try {
                jwt.sign(new RSASSASigner(issuer.keys.getPrivate()));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign a token", e);
            }
            return jwt.serialize();
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA key pair generator", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static byte[] der(Path pem) throws IOException {
        String base64 =
                Files.readString(pem)
                        .replaceAll("-----(BEGIN|END) [A-Z ]+-----", "")
                        .replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    /** A private key or token: readable by its owner only, where the file system allows. */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }
}
