using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using PacSpace.Ledger;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Http;
using PacSpace.Sdk.Verify;

namespace PacSpace.Sdk.Records;

/// <summary>
/// The Records API: machine-action records whose entries are leaves of the same signed log as the deltas. Emit transitions
/// (<c>recorded</c>, then <c>amended</c> or <c>closed</c>), read an entry's receipt or a record's history, and check both offline:
/// <see cref="Check"/> as the official clients' <c>records.check</c>, <see cref="CheckReceipt(RecordReceipt, ReadOnlySpan{byte})"/>
/// down to the signed head.
/// </summary>
/// <remarks>Entries are numbered by <c>seq</c>, from 0, as on the wire; <see cref="Check"/> reports them from 1, as the official clients do.</remarks>
public class RecordsClient
{
    /// <summary>The record type the official clients use when none is given.</summary>
    public const string DefaultRecordType = "machine-action-record";

    private readonly ApiTransport? _api;

    internal RecordsClient(ApiTransport api) => _api = api;

    /// <summary>For mocking: a client with no connection. A subclass overrides the routes its test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected RecordsClient()
    {
    }

    private ApiTransport Api => _api ?? throw TestDouble.NotConnected(this);

    private static string RecordPath(string recordType, string entityId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordType);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        return $"{ApiRoutes.Records}/{Query.Segment(recordType)}/{Query.Segment(entityId)}";
    }

    /// <summary>
    /// Appends a transition to a record. Answered once it is durable (<c>QUEUED</c>); a signed head covers it within about a
    /// second. Retried on transient failures; give <see cref="NewRecordTransition.ReferenceId"/> (or an idempotency key) so a
    /// retry can never append it twice.
    /// </summary>
    /// <exception cref="PacSpaceException">Refused (e.g. <c>RECORD_GENESIS_MISMATCH</c>, <c>RECORD_CLOSED</c>, <c>RECORD_ENTRY_NOT_FOUND</c>) or unreachable.</exception>
    public virtual Task<RecordTransition> EmitAsync(string recordType, string entityId, NewRecordTransition transition, RequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return Api.SendAsync<RecordTransition>(HttpMethod.Post, RecordPath(recordType, entityId) + "/transitions", transition,
            new CallOptions(true, options?.IdempotencyKey), cancellationToken);
    }

    /// <summary>The receipt of a record's entry <paramref name="seq"/> (from 0).</summary>
    public virtual Task<RecordReceipt> GetReceiptAsync(string recordType, string entityId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        return Api.SendAsync<RecordReceipt>(HttpMethod.Get, RecordPath(recordType, entityId) + "/receipts/" + seq.ToString(CultureInfo.InvariantCulture), null,
            CallOptions.Default, cancellationToken);
    }

    /// <summary>One page of a record's entries with a seq from <paramref name="fromSeq"/> to <paramref name="toSeq"/> (both included, from 0).</summary>
    public virtual async Task<RecordHistory> GetHistoryAsync(string recordType, string entityId, long? fromSeq = null, long? toSeq = null,
        CancellationToken cancellationToken = default)
    {
        var (body, headers) = await Api.SendRawAsync(HttpMethod.Get, Query.Build(RecordPath(recordType, entityId) + "/history", ("fromSeq", fromSeq), ("toSeq", toSeq)),
            CallOptions.Default, cancellationToken).ConfigureAwait(false);
        var history = body.Deserialize<RecordHistory>(ApiTransport.Json)
            ?? throw new PacSpaceException(200, PacSpaceErrorCodes.ApiError, "The record history answer was empty.");
        if (history.Schema != "record-history-bundle/v1")
        {
            throw new PacSpaceException(200, PacSpaceErrorCodes.ApiError, $"Unexpected record history schema {history.Schema}.");
        }

        return headers.TryGetValue("x-next-from-seq", out var next) && long.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? history with { NextFromSeq = n }
            : history;
    }

    /// <summary>Every page of a record's history from <paramref name="fromSeq"/> to <paramref name="toSeq"/>, following <c>X-Next-From-Seq</c>.</summary>
    public virtual async IAsyncEnumerable<RecordHistory> GetHistoryPagesAsync(string recordType, string entityId, long? fromSeq = null, long? toSeq = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = fromSeq;
        while (true)
        {
            var page = await GetHistoryAsync(recordType, entityId, from, toSeq, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (page.NextFromSeq is not long next || (from is long f && next <= f))
            {
                yield break;
            }

            from = next;
        }
    }

    /// <summary>The fingerprint of a payload's raw bytes, as the official clients' <c>fingerprint()</c> makes it.</summary>
    public static PayloadReference Fingerprint(ReadOnlySpan<byte> data) =>
        new("sha-256", Convert.ToHexStringLower(SHA256.HashData(data)), data.Length.ToString(CultureInfo.InvariantCulture));

    /// <summary>The fingerprint of a stream's bytes from its position to its end.</summary>
    public static async Task<PayloadReference> FingerprintAsync(Stream data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return new PayloadReference("sha-256", Convert.ToHexStringLower(hash.GetHashAndReset()), length.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Checks a history page locally, as the official clients' <c>records.check</c> does: a failed entry fails the <c>schema</c>
    /// check, and so does a history without a committed entry; an expected payload missing from its committed entry's content
    /// fails the <c>semantic</c> check. Compares what the plane answered; prove it with <see cref="CheckReceipt(RecordReceipt, ReadOnlySpan{byte})"/>.
    /// </summary>
    public static RecordCheck Check(RecordHistory history, IEnumerable<RecordExpectation>? expect = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var listed = history.Entries.Count > 0
            ? history.Entries
            : history.Receipts.Select(r => new RecordHistoryEntry(r.Seq, r.Status ?? RecordEntryStatuses.Committed, r.ReceiptId, r.Lifecycle, r.ContentHash))
                .Concat(history.PendingEntries).OrderBy(e => e.Seq).ToList();
        var expected = (expect ?? []).ToDictionary(e => e.Entry - 1);
        var entries = listed.Select(e =>
        {
            bool? met = null;
            if (expected.TryGetValue(e.Seq, out var wanted))
            {
                var committed = history.Receipts.FirstOrDefault(r => r.Seq == e.Seq) is { } receipt ? Payloads(receipt) : [];
                met = wanted.Payloads.All(p => committed.Contains(p.MatchKey));
            }

            return new RecordCheckEntry(e.Seq + 1, e.Status ?? RecordEntryStatuses.Queued, e.Code, e.Sentence, met);
        }).ToList();

        if (entries.FirstOrDefault(e => e.Status == RecordEntryStatuses.Failed) is { } failed)
        {
            return new RecordCheck(false, entries, "schema", false, failed.Sentence);
        }

        if (!entries.Any(e => e.Status == RecordEntryStatuses.Committed))
        {
            return new RecordCheck(false, entries, "schema", false, "No committed entries.");
        }

        var missed = expected.Keys.Where(seq => entries.FirstOrDefault(e => e.Entry == seq + 1)?.Expected != true).ToList();
        return missed.Count > 0
            ? new RecordCheck(false, entries, "semantic", false, $"Expected payloads are not committed in entr{(missed.Count == 1 ? "y" : "ies")} {string.Join(", ", missed.Select(s => s + 1))}.")
            : new RecordCheck(true, entries, null, false, null);
    }

    /// <summary>
    /// Proves a record's entry offline from its receipt alone, trusting nobody: the receipt's <c>sealedRecord</c> hashes to the
    /// content hash its 66-byte entry carries (with the same seq and lifecycle), the entry's leaf is in the tree by the inclusion
    /// proof, and the tree head is signed by <paramref name="publicKey"/>. The receipt's <c>recordContent</c> must be the
    /// sealed content; pass a sealed record you hold yourself to <see cref="CheckReceipt(JsonElement, RecordReceipt, ReadOnlySpan{byte})"/>.
    /// </summary>
    /// <param name="receipt">A committed entry's receipt.</param>
    /// <param name="publicKey">The log's Ed25519 public key (32 bytes), pinned from a source you trust.</param>
    public static OfflineCheck CheckReceipt(RecordReceipt receipt, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var check = CheckReceipt(receipt.SealedRecord, receipt, publicKey);
        var sameContent = receipt.SealedRecord.ValueKind == JsonValueKind.Object && receipt.SealedRecord.TryGetProperty("content", out var sealedContent)
            && receipt.RecordContent.ValueKind == JsonValueKind.Object
            && Jcs.Canonicalize(sealedContent).AsSpan().SequenceEqual(Jcs.Canonicalize(receipt.RecordContent));
        var step = new OfflineStep("record content", sameContent, sameContent ? "recordContent is the sealed content" : "recordContent differs from the sealed record's content");
        return new OfflineCheck([.. check.Steps, step], check.Passed && sameContent);
    }

    /// <summary>Proves the record's entry <paramref name="sealedRecord"/> (<c>{v, tenant, env, recordType, entityId, seq, lifecycle, content}</c>) against a receipt.</summary>
    public static OfflineCheck CheckReceipt(JsonElement sealedRecord, RecordReceipt receipt, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Entry is null || receipt.Origin is null || receipt.Index is null || receipt.TreeSize is null || receipt.InclusionProof is null || receipt.Checkpoint is null)
        {
            return new OfflineCheck([new OfflineStep("receipt", false, $"entry {receipt.Seq} is {receipt.Status}: no signed head covers it yet, so there is no proof")], false);
        }

        Receipt parsed;
        try
        {
            parsed = new Receipt(receipt.ReceiptId, receipt.Origin, receipt.Index.Value, receipt.TreeSize.Value, Convert.FromBase64String(receipt.Entry),
                receipt.InclusionProof.Select(Convert.FromHexString).ToList(), receipt.Checkpoint);
        }
        catch (FormatException ex)
        {
            return new OfflineCheck([new OfflineStep("receipt", false, "the receipt is malformed: " + ex.Message)], false);
        }

        var steps = ReceiptVerifier.VerifyRecord(JsonSerializer.SerializeToUtf8Bytes(sealedRecord), parsed, publicKey);
        return new OfflineCheck(steps.Select(s => new OfflineStep(s.Name, s.Passed, s.Detail)).ToList(), ReceiptVerifier.Passed(steps));
    }

    private static HashSet<string> Payloads(RecordReceipt receipt)
    {
        var source = receipt.RecordContent.ValueKind == JsonValueKind.Object && receipt.RecordContent.TryGetProperty("payloads", out var p) ? p
            : receipt.SealedRecord.ValueKind == JsonValueKind.Object && receipt.SealedRecord.TryGetProperty("content", out var c) && c.TryGetProperty("payloads", out var q) ? q
            : default;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (source.ValueKind != JsonValueKind.Array)
        {
            return keys;
        }

        foreach (var item in source.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
        {
            var length = item.TryGetProperty("byteLength", out var l) ? l.ValueKind == JsonValueKind.String ? l.GetString() : l.GetRawText() : "";
            keys.Add($"{Str(item, "alg")}:{Str(item, "digest")?.ToLowerInvariant()}:{length}");
        }

        return keys;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
