using System.Globalization;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// What a plane publishes about a period checkpoint (<c>GET /api/v1/verify/{proofRoot}</c>): the signed note at the period's
/// end, the signed period statement, and the consistency proof from the log at the period's start.
/// </summary>
/// <param name="ProofRoot">The proof root the answer is about (hex).</param>
/// <param name="Origin">The log's origin (also the signing key's name).</param>
/// <param name="Checkpoint">The signed note of the head at the statement's <c>toSize</c>.</param>
/// <param name="Statement">The period statement, as served (a JSON object).</param>
/// <param name="Signature">The statement's Ed25519 signature.</param>
/// <param name="FromSize">Size of the log at the period's start.</param>
/// <param name="ToSize">Size of the log at its end.</param>
/// <param name="PrevRoot">The root at <paramref name="FromSize"/> (hex).</param>
/// <param name="Consistency">RFC 6962 consistency proof from <paramref name="FromSize"/> to <paramref name="ToSize"/>.</param>
public sealed record PeriodProof(
    string ProofRoot,
    string Origin,
    string Checkpoint,
    JsonElement Statement,
    byte[] Signature,
    long FromSize,
    long ToSize,
    string PrevRoot,
    IReadOnlyList<byte[]> Consistency)
{
    /// <summary>Reads the answer of <c>GET /api/v1/verify/{proofRoot}</c>, enveloped (<c>{"success":true,"data":{…}}</c>) or not.</summary>
    /// <exception cref="FormatException">A field is missing or malformed.</exception>
    public static PeriodProof Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                root = data;
            }

            var consistency = root.GetProperty("consistencyFromPrevious");
            return new PeriodProof(
                root.GetProperty("proofRoot").GetString()!,
                root.GetProperty("origin").GetString()!,
                root.GetProperty("checkpoint").GetString()!,
                root.GetProperty("periodStatement").Clone(),
                Convert.FromBase64String(root.GetProperty("signature").GetString()!),
                consistency.GetProperty("fromSize").GetInt64(),
                consistency.GetProperty("toSize").GetInt64(),
                consistency.GetProperty("prevRoot").GetString()!,
                consistency.GetProperty("proof").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException("Not a PacSpace period proof: " + ex.Message, ex);
        }
    }
}

/// <summary>
/// Offline verification of a period checkpoint against the log's public key, trusting nobody: the signed head, the proof
/// root, the statement's signature, the statement's fields, and the consistency proof from the previous checkpoint. The same
/// steps, in the same order and words, as the verification page's script; stops at the first failed step.
/// </summary>
public static class PeriodVerifier
{
    /// <summary>Number of steps of a complete verification.</summary>
    public const int StepCount = 5;

    /// <param name="proof">The period proof published by the plane.</param>
    /// <param name="publicKey">The log's Ed25519 public key (32 bytes), obtained independently and pinned.</param>
    /// <param name="keyName">The name the key signs under; the proof's origin when not given (as a log's key is named).</param>
    /// <param name="proofRoot">The proof root the verifier holds (e.g. printed on an invoice), hex, <c>0x</c> allowed; the proof's own when not given.</param>
    public static IReadOnlyList<VerificationStep> Verify(PeriodProof proof, ReadOnlySpan<byte> publicKey, string? keyName = null, string? proofRoot = null)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var steps = new List<VerificationStep>();
        var name = keyName ?? proof.Origin;

        if (!SignedNote.Verify(proof.Checkpoint, name, publicKey, out var body))
        {
            steps.Add(new("signed head", false, $"signature does not verify with the log's key ({name})"));
            return steps;
        }

        if (!Checkpoint.TryParse(body, out var head) || head!.Origin != proof.Origin)
        {
            steps.Add(new("signed head", false, $"the signed head is not a checkpoint of the log {proof.Origin}"));
            return steps;
        }

        var root = Hex.Encode(head.RootHash);
        steps.Add(new("signed head", true, $"Ed25519 signature by {name} over {head.Origin}, size {head.Size}, root {root}"));

        var asked = Normalize(proofRoot ?? proof.ProofRoot);
        steps.Add(new("proof root", asked == root, asked == root
            ? $"the signed root is the proof root {asked}"
            : $"proof root does not match the signed head: {asked ?? "(not a proof root)"} against {root}"));
        if (asked != root)
        {
            return steps;
        }

        var statement = proof.Statement;
        var signed = PeriodStatement.Verify(statement, proof.Signature, publicKey);
        steps.Add(new("statement signature", signed, signed
            ? "Ed25519 over \"pacspace-period/v1\\n\" ‖ JCS(statement), by the log's key"
            : "the period statement's signature does not verify with the log's key"));
        if (!signed)
        {
            return steps;
        }

        var problem = Str(statement, "rootHash") != root ? "proof root does not match the statement"
            : Str(statement, "origin") != head.Origin ? "the statement names another log"
            : Int(statement, "toSize") != head.Size ? $"the statement ends at size {Int(statement, "toSize")}, the signed head is at size {head.Size}"
            : null;
        steps.Add(new("statement", problem is null, problem
            ?? $"{Str(statement, "period")}: entries {Int(statement, "fromSize")} to {head.Size}, {Int(statement, "deltaCount")} deltas, net change {Str(statement, "netChange")}"));
        if (problem is not null)
        {
            return steps;
        }

        var from = Int(statement, "fromSize");
        if (from != proof.FromSize || head.Size != proof.ToSize || Str(statement, "prevRoot") != proof.PrevRoot || from is null
            || !Hex.TryDecode(proof.PrevRoot, out var prevRoot))
        {
            steps.Add(new("consistency", false, "the consistency proof is not for the statement's range"));
            return steps;
        }

        var consistent = MerkleTree.VerifyConsistency(from.Value, head.Size, prevRoot, head.RootHash, proof.Consistency);
        steps.Add(new("consistency", consistent, !consistent
            ? "the consistency proof from the previous checkpoint does not hold"
            : from == 0
                ? "the window starts with the log: nothing before it to be consistent with"
                : $"the log at size {head.Size} extends the log at size {from} (root {proof.PrevRoot}); {proof.Consistency.Count} hashes"));
        return steps;
    }

    /// <summary>Whether every step passed (and none is missing).</summary>
    public static bool Passed(IReadOnlyList<VerificationStep> steps) => steps.Count == StepCount && steps.All(s => s.Passed);

    private static string? Normalize(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 2 * MerkleTree.HashSize && hex.All(char.IsAsciiHexDigit) ? hex.ToLowerInvariant() : null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && long.TryParse(v.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
