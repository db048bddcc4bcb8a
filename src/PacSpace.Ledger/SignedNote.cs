using System.Security.Cryptography;
using System.Text;

namespace PacSpace.Ledger;

/// <summary>
/// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures.
/// </summary>
/// <remarks>
/// <para>
/// Checkpoints travel as signed notes because that is the format witnesses, monitors and
/// Go's <c>sumdb/note</c> already understand; staying byte-compatible lets third parties
/// cosign or audit the log without PacSpace code. A note is the body, a blank line, then
/// one line per signature: <c>"— " + keyName + " " + base64(keyHash4 || signature)</c>.
/// </para>
/// <para>
/// The 4-byte key hash only routes a signature line to a candidate key; the Ed25519
/// signature is what authenticates, so a hash match with a bad signature is a failure.
/// Notes come from untrusted parties, so <see cref="Verify"/> answers <see langword="false"/>
/// for anything malformed instead of throwing.
/// </para>
/// </remarks>
public static class SignedNote
{
    /// <summary>The C2SP signature type byte for Ed25519, hashed into key IDs and vkeys.</summary>
    public const byte Ed25519SignatureType = 0x01;

    /// <summary>
    /// Upper bound on signature lines accepted by <see cref="Verify"/>, matching Go's
    /// <c>sumdb/note</c>, so a hostile note cannot make a verifier parse unbounded input.
    /// </summary>
    public const int MaxSignatures = 100;

    private const int KeyHashSize = 4;

    // U+2014 EM DASH and a space; written as an escape so editors cannot swap in a hyphen.
    private const string SignatureLinePrefix = "\u2014 ";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Signs a note body and returns the complete note (body, blank line, signature line).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The key name is invalid, or the body is empty, lacks a final newline, contains a control
    /// character other than newline, or is not well-formed Unicode; such a body would produce a
    /// note other implementations refuse to open.
    /// </exception>
    public static string Sign(string body, string keyName, LogSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(key);
        ValidateKeyName(keyName);
        if (body.Length == 0 || !body.EndsWith('\n') || !IsValidNoteText(body))
        {
            throw new ArgumentException(
                "Note body must be non-empty, well-formed text ending in a newline, with no control characters other than newline.",
                nameof(body));
        }

        var signature = key.Sign(StrictUtf8.GetBytes(body));
        var blob = new byte[KeyHashSize + signature.Length];
        ComputeKeyHash(keyName, key.PublicKey).CopyTo(blob, 0);
        signature.CopyTo(blob, KeyHashSize);

        return body + "\n" + SignatureLinePrefix + keyName + " " + Convert.ToBase64String(blob) + "\n";
    }

    /// <summary>
    /// Checks that <paramref name="note"/> carries a valid signature by the given key and, if so,
    /// returns the signed body. Signatures by other keys are ignored, as the spec requires, so a
    /// note cosigned by witnesses still verifies against the log's key.
    /// </summary>
    /// <remarks>
    /// The first line whose name and key hash match decides the outcome; a matching line with a
    /// bad signature rejects the note. Any malformed signature line rejects the whole note.
    /// An invalid key name or public key also yields <see langword="false"/>.
    /// </remarks>
    /// <param name="note">The full note as received; untrusted.</param>
    /// <param name="keyName">The name the trusted key signs under.</param>
    /// <param name="publicKey32">The trusted raw Ed25519 public key.</param>
    /// <param name="body">The signed body (ending in a newline) on success; otherwise <see langword="null"/>.</param>
    public static bool Verify(string note, string keyName, ReadOnlySpan<byte> publicKey32, out string? body)
    {
        body = null;
        if (note is null || !IsValidKeyName(keyName) || publicKey32.Length != LogSigningKey.PublicKeySize
            || !IsValidNoteText(note))
        {
            return false;
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var text = note[..(split + 1)];
        var signatureBlock = note[(split + 2)..];
        if (signatureBlock.Length == 0 || !signatureBlock.EndsWith('\n'))
        {
            return false;
        }

        var lines = signatureBlock[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            return false;
        }

        var expectedKeyHash = ComputeKeyHash(keyName, publicKey32);
        byte[]? candidate = null;
        foreach (var line in lines)
        {
            if (!TryParseSignatureLine(line, out var name, out var blob))
            {
                return false;
            }

            if (candidate is null
                && string.Equals(name, keyName, StringComparison.Ordinal)
                && blob.AsSpan(0, KeyHashSize).SequenceEqual(expectedKeyHash))
            {
                candidate = blob;
            }
        }

        if (candidate is null
            || !Ed25519Verifier.Verify(publicKey32, StrictUtf8.GetBytes(text), candidate.AsSpan(KeyHashSize)))
        {
            return false;
        }

        body = text;
        return true;
    }

    /// <summary>
    /// Formats the verifier key ("vkey") that clients configure to trust this log:
    /// <c>name + "+" + hex(keyHash4) + "+" + base64(0x01 || publicKey)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The key name is invalid or the public key is not 32 bytes.</exception>
    public static string VerifierKey(string keyName, ReadOnlySpan<byte> publicKey32)
    {
        ValidateKeyName(keyName);
        ValidatePublicKey(publicKey32);

        var typedKey = new byte[1 + publicKey32.Length];
        typedKey[0] = Ed25519SignatureType;
        publicKey32.CopyTo(typedKey.AsSpan(1));
        return keyName + "+" + Hex.Encode(ComputeKeyHash(keyName, publicKey32)) + "+" + Convert.ToBase64String(typedKey);
    }

    /// <summary>
    /// Parses a vkey produced by <see cref="VerifierKey"/>, so a client can be configured with one string.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> unless the vkey is well-formed, is Ed25519, and its key hash matches
    /// its name and key (which catches copy-paste damage).
    /// </returns>
    public static bool TryParseVerifierKey(string? verifierKey, out string? keyName, out byte[]? publicKey)
    {
        keyName = null;
        publicKey = null;
        if (verifierKey is null)
        {
            return false;
        }

        // Only the first two '+' are separators: standard base64 in the third field may itself contain '+'.
        var parts = verifierKey.Split('+', 3);
        if (parts.Length != 3 || !IsValidKeyName(parts[0]) || parts[1].Length != 2 * KeyHashSize
            || !Hex.TryDecode(parts[1], out var keyHash)
            || !TryDecodeCanonicalBase64(parts[2], out var typedKey)
            || typedKey.Length != 1 + LogSigningKey.PublicKeySize || typedKey[0] != Ed25519SignatureType)
        {
            return false;
        }

        var key = typedKey[1..];
        if (!keyHash.AsSpan().SequenceEqual(ComputeKeyHash(parts[0], key)))
        {
            return false;
        }

        keyName = parts[0];
        publicKey = key;
        return true;
    }

    // key ID = SHA-256(name || '\n' || signature type || public key)[:4], per the signed-note spec.
    private static byte[] ComputeKeyHash(string keyName, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = StrictUtf8.GetBytes(keyName);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = Ed25519SignatureType;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return SHA256.HashData(input)[..KeyHashSize];
    }

    private static bool TryParseSignatureLine(string line, out string name, out byte[] blob)
    {
        name = string.Empty;
        blob = [];
        if (!line.StartsWith(SignatureLinePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[SignatureLinePrefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return false;
        }

        name = rest[..space];
        return IsValidKeyName(name)
            && TryDecodeCanonicalBase64(rest[(space + 1)..], out blob)
            && blob.Length > KeyHashSize;
    }

    // Rejects whitespace and non-zero padding bits that Convert would tolerate, so a
    // signature line has exactly one spelling.
    private static bool TryDecodeCanonicalBase64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return false;
        }

        var decoded = buffer[..written];
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    private static void ValidateKeyName(string keyName)
    {
        if (!IsValidKeyName(keyName))
        {
            throw new ArgumentException(
                "Key name must be non-empty, well-formed text without whitespace or '+'.", nameof(keyName));
        }
    }

    private static void ValidatePublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != LogSigningKey.PublicKeySize)
        {
            throw new ArgumentException($"Public key must be {LogSigningKey.PublicKeySize} bytes.", nameof(publicKey));
        }
    }

    // The '+' separates vkey fields and a space ends the name in a signature line.
    private static bool IsValidKeyName(string? keyName)
    {
        if (string.IsNullOrEmpty(keyName) || !IsWellFormedUtf16(keyName))
        {
            return false;
        }

        foreach (var c in keyName)
        {
            if (c == '+' || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    // Mirrors what other implementations accept: valid Unicode and no control characters but '\n'.
    private static bool IsValidNoteText(string text)
    {
        foreach (var c in text)
        {
            if (c < 0x20 && c != '\n')
            {
                return false;
            }
        }

        return IsWellFormedUtf16(text);
    }

    // Lone surrogates cannot be encoded as UTF-8, so the signed bytes would be undefined.
    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
