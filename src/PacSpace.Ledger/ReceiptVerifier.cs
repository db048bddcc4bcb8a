using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// What a plane publishes about one delta (<c>GET /api/v1/verify/receipt/{receiptId}</c>): the log entry, where
/// it sits, the inclusion proof and the signed head it was proved against.
/// </summary>
/// <param name="ReceiptId">The receipt's id.</param>
/// <param name="Origin">The log's origin (also the signing key's name).</param>
/// <param name="Index">The entry's position in the log.</param>
/// <param name="TreeSize">Size of the tree the proof is for.</param>
/// <param name="Entry">The 81-byte entry.</param>
/// <param name="InclusionProof">RFC 6962 audit path, leaf sibling first.</param>
/// <param name="Checkpoint">The signed note of the head at <paramref name="TreeSize"/>.</param>
public sealed record Receipt(string ReceiptId, string Origin, long Index, long TreeSize, byte[] Entry, IReadOnlyList<byte[]> InclusionProof, string Checkpoint)
{
    /// <summary>Reads a receipt from its JSON form, enveloped (<c>{"success":true,"data":{…}}</c>) or not.</summary>
    /// <exception cref="FormatException">A field is missing or malformed.</exception>
    public static Receipt Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                root = data;
            }

            return new Receipt(
                root.GetProperty("receiptId").GetString()!,
                root.GetProperty("origin").GetString()!,
                root.GetProperty("index").GetInt64(),
                root.GetProperty("treeSize").GetInt64(),
                Convert.FromBase64String(root.GetProperty("entry").GetString()!),
                root.GetProperty("inclusionProof").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList(),
                root.GetProperty("checkpoint").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException("Not a PacSpace receipt: " + ex.Message, ex);
        }
    }
}

/// <summary>One check of an offline verification, in the order they run.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The values compared, for a human reading along.</param>
public sealed record VerificationStep(string Name, bool Passed, string Detail);

/// <summary>
/// Offline verification of a delta against its receipt and the log's public key, trusting nobody:
/// content hash → entry → leaf hash → inclusion proof → head signature. Stops at the first failed step.
/// </summary>
public static class ReceiptVerifier
{
    /// <summary>
    /// Runs every check; the delta is the canonical delta JSON the counterparty holds, content version 1 or 2 (its
    /// <c>v</c> says which, and the first step reports it).
    /// </summary>
    /// <param name="deltaJson">The delta as JSON (any formatting; it is canonicalized here).</param>
    /// <param name="receipt">The receipt published by the plane.</param>
    /// <param name="publicKey">The log's Ed25519 public key (32 bytes), obtained independently and pinned.</param>
    public static IReadOnlyList<VerificationStep> Verify(ReadOnlySpan<byte> deltaJson, Receipt receipt, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var steps = new List<VerificationStep>();

        byte[] contentHash;
        try
        {
            var delta = DeltaContent.Parse(deltaJson);
            contentHash = delta.ContentHash();
            var adjusts = delta.Adjusts is { } a ? $", adjusts {a.ToJson()} included" : "";
            steps.Add(new("content hash", true,
                $"content version {delta.Version}{adjusts}: SHA-256(\"pacspace-delta/v{delta.Version}\\n\" ‖ JCS(delta)) = {Hex.Encode(contentHash)}"));
        }
        catch (FormatException ex)
        {
            steps.Add(new("content hash", false, ex.Message));
            return steps;
        }

        if (!LeafEntry.TryDecode(receipt.Entry, out var entry))
        {
            steps.Add(new("entry", false, $"the receipt's entry is not a version-1 delta entry ({receipt.Entry.Length} bytes)"));
            return steps;
        }

        var sameContent = entry!.ContentHash.AsSpan().SequenceEqual(contentHash);
        steps.Add(new("entry", sameContent, sameContent
            ? $"entry commits to this content; customerSeq {entry.CustomerSeq}, previous index {(entry.PrevCustomerIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}, balance after {entry.BalanceAfter}, recorded {DateTimeOffset.FromUnixTimeMilliseconds(entry.RecordedAtUnixMs):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}"
            : $"entry commits to {Hex.Encode(entry.ContentHash)}, not to this delta's {Hex.Encode(contentHash)}"));
        if (!sameContent)
        {
            return steps;
        }

        ProveInclusion(receipt, publicKey, steps);
        return steps;
    }

    /// <summary>
    /// Runs every check for a record's entry (the Records API): its JSON <c>{v, tenant, env, recordType, entityId, seq,
    /// lifecycle, content}</c> hashes to the content hash of the receipt's 66-byte record entry, which also carries the
    /// same seq and lifecycle; then leaf hash, signed head and inclusion proof as for a delta.
    /// </summary>
    /// <param name="recordJson">The entry as JSON (any formatting; it is canonicalized here), e.g. the receipt's <c>sealedRecord</c>.</param>
    /// <param name="receipt">The receipt published by the plane.</param>
    /// <param name="publicKey">The log's Ed25519 public key (32 bytes), obtained independently and pinned.</param>
    public static IReadOnlyList<VerificationStep> VerifyRecord(ReadOnlySpan<byte> recordJson, Receipt receipt, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var steps = new List<VerificationStep>();

        RecordContent record;
        byte[] contentHash;
        try
        {
            record = RecordContent.Parse(recordJson);
            contentHash = record.ContentHash();
            steps.Add(new("content hash", true,
                $"record entry version {RecordContent.Version}, {record.RecordType}/{record.EntityId} seq {record.Seq} ({RecordLifecycles.Name(record.Lifecycle)}): SHA-256(\"pacspace-record/v1\\n\" ‖ JCS(entry)) = {Hex.Encode(contentHash)}"));
        }
        catch (FormatException ex)
        {
            steps.Add(new("content hash", false, ex.Message));
            return steps;
        }

        if (!RecordLeafEntry.TryDecode(receipt.Entry, out var entry))
        {
            steps.Add(new("entry", false, $"the receipt's entry is not a version-1 record entry ({receipt.Entry.Length} bytes)"));
            return steps;
        }

        var sameContent = entry!.ContentHash.AsSpan().SequenceEqual(contentHash);
        var samePlace = entry.Seq == record.Seq && entry.Lifecycle == record.Lifecycle;
        steps.Add(new("entry", sameContent && samePlace, !sameContent
            ? $"entry commits to {Hex.Encode(entry.ContentHash)}, not to this record entry's {Hex.Encode(contentHash)}"
            : !samePlace
                ? $"entry is seq {entry.Seq} ({RecordLifecycles.Name(entry.Lifecycle)}), the record entry says seq {record.Seq} ({RecordLifecycles.Name(record.Lifecycle)})"
                : $"entry commits to this content; seq {entry.Seq}, {RecordLifecycles.Name(entry.Lifecycle)}, previous index {(entry.PrevRecordIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}, recorded {DateTimeOffset.FromUnixTimeMilliseconds(entry.RecordedAtUnixMs):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}"));
        if (!sameContent || !samePlace)
        {
            return steps;
        }

        ProveInclusion(receipt, publicKey, steps);
        return steps;
    }

    /// <summary>Leaf hash, signed head and inclusion proof of the receipt's entry, whichever kind it is.</summary>
    private static void ProveInclusion(Receipt receipt, ReadOnlySpan<byte> publicKey, List<VerificationStep> steps)
    {
        var leafHash = MerkleTree.HashLeaf(receipt.Entry);
        steps.Add(new("leaf hash", true, $"SHA-256(0x00 ‖ entry) = {Hex.Encode(leafHash)}"));

        var headOk = SignedNote.Verify(receipt.Checkpoint, receipt.Origin, publicKey, out var body);
        if (!headOk || !Checkpoint.TryParse(body, out var head) || head!.Origin != receipt.Origin)
        {
            steps.Add(new("signed head", false, $"the checkpoint is not signed by the given key for origin {receipt.Origin}"));
            return;
        }

        if (head.Size != receipt.TreeSize)
        {
            steps.Add(new("signed head", false, $"the checkpoint is for size {head.Size}, the proof for {receipt.TreeSize}"));
            return;
        }

        steps.Add(new("signed head", true, $"Ed25519 signature by {receipt.Origin} over size {head.Size}, root {Hex.Encode(head.RootHash)}"));

        var included = MerkleTree.VerifyInclusion(receipt.Index, head.Size, leafHash, receipt.InclusionProof, head.RootHash);
        steps.Add(new("inclusion proof", included, included
            ? $"entry {receipt.Index} is in the signed tree of {head.Size} ({receipt.InclusionProof.Count} hashes)"
            : $"the proof does not lead from entry {receipt.Index} to the signed root"));
    }

    /// <summary>Whether every step passed (and none is missing).</summary>
    public static bool Passed(IReadOnlyList<VerificationStep> steps) => steps.Count == 5 && steps.All(s => s.Passed);
}
