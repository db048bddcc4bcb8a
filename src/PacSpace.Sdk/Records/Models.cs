using System.Text.Json;
using System.Text.Json.Serialization;

namespace PacSpace.Sdk.Records;

/// <summary>The lifecycle words of a record's entries: a record opens with <see cref="Recorded"/>; <see cref="Amended"/> and <see cref="Closed"/> come after it.</summary>
public static class Lifecycles
{
    public const string Recorded = "recorded";
    public const string Amended = "amended";
    public const string Closed = "closed";
}

/// <summary>The status words of a record's entries: <see cref="Queued"/> until a signed head covers it, then <see cref="Committed"/>.</summary>
public static class RecordEntryStatuses
{
    public const string Queued = "queued";
    public const string Committed = "committed";
    public const string Failed = "failed";
}

/// <summary>
/// A payload fingerprint as the official clients make it: <c>sha-256</c> over the raw bytes, 64 lower-case hex digits, the
/// size in bytes as a decimal string (<see cref="RecordsClient.Fingerprint(ReadOnlySpan{byte})"/>).
/// </summary>
public sealed record PayloadReference(string Alg, string Digest, string ByteLength)
{
    /// <summary>How <c>records.check</c> compares references: <c>alg:digest:byteLength</c>, the digest in lower case.</summary>
    [JsonIgnore]
    public string MatchKey => $"{Alg}:{Digest.ToLowerInvariant()}:{ByteLength}";
}

/// <summary>One entry of a record, named by the record's key and the entry's seq (from 0).</summary>
public sealed record RecordEntryRef(string RecordKey, long Seq);

/// <summary>What a record's entry says; only the members given are sent (and hashed as sent).</summary>
/// <param name="Title">What happened, in one line.</param>
/// <param name="OccurredAt">When the action happened, ISO 8601 (e.g. <c>2026-10-01T12:00:00Z</c>).</param>
/// <param name="ActorId">Who (or which machine) acted.</param>
/// <param name="Payloads">Fingerprints of the files or messages the action produced; may be empty.</param>
/// <param name="Kind">What kind of action it was.</param>
/// <param name="InstructedBy">Who asked for it.</param>
/// <param name="Description">Free text; may span lines.</param>
/// <param name="Note">Free text; may span lines.</param>
/// <param name="References">Entries already recorded (of this record or another) that this one refers to.</param>
/// <param name="Amends">Required on an amended entry: the entry of the same record it amends.</param>
public sealed record RecordEntryContent(
    string Title,
    string OccurredAt,
    string ActorId,
    IReadOnlyList<PayloadReference> Payloads,
    string? Kind = null,
    string? InstructedBy = null,
    string? Description = null,
    string? Note = null,
    IReadOnlyList<RecordEntryRef>? References = null,
    RecordEntryRef? Amends = null);

/// <summary>A transition of a record: its lifecycle (<see cref="Lifecycles"/>) and content.</summary>
/// <param name="Lifecycle"><c>recorded</c> (the first entry only), <c>amended</c> or <c>closed</c>.</param>
/// <param name="Content">What the entry says.</param>
/// <param name="ReferenceId">Makes a retry idempotent: the same transition again answers the first answer; another one under it is refused (409).</param>
public sealed record NewRecordTransition(string Lifecycle, RecordEntryContent Content, string? ReferenceId = null);

/// <summary>An accepted transition: durable, <c>QUEUED</c> until a signed head covers it.</summary>
public sealed record RecordTransition(string ReceiptId, string RecordType, string EntityId, string RecordKey, string Status, long Seq, string Lifecycle,
    string ContentHash, DateTimeOffset RecordedAt);

/// <summary>
/// One entry's receipt: what it says (<see cref="RecordContent"/> as sent, <see cref="SealedRecord"/> the object its content
/// hash covers) and, once <c>committed</c>, the 66-byte log entry (base64), its inclusion proof and the signed head.
/// </summary>
public sealed record RecordReceipt(
    string ReceiptId,
    string Status,
    string RecordType,
    string EntityId,
    string RecordKey,
    long Seq,
    string Lifecycle,
    string ContentHash,
    DateTimeOffset RecordedAt,
    JsonElement RecordContent,
    JsonElement SealedRecord,
    bool Verified,
    DateTimeOffset? CommittedAt,
    string? Origin,
    long? Index,
    long? TreeSize,
    string? Entry,
    string? LeafHash,
    IReadOnlyList<string>? InclusionProof,
    string? Checkpoint,
    string? PublicKey,
    string? VerifierKey,
    string VerifyUrl)
{
    /// <summary>The receipt's public JSON route (<c>/api/v1/verify/receipt/…</c>), for programs; null from servers that do not send it.</summary>
    public string? VerificationApiUrl { get; init; }
}

/// <summary>One entry of a history page: its seq, status (<see cref="RecordEntryStatuses"/>), receipt id; code and sentence when failed.</summary>
public sealed record RecordHistoryEntry(long Seq, string? Status, string? ReceiptId, string? Lifecycle, string? ContentHash, string? Code = null, string? Sentence = null);

/// <summary>
/// One page of a record's history (<c>record-history-bundle/v1</c>): every entry of the page, the receipts of the committed
/// ones and the queued ones; <see cref="NextFromSeq"/> (from <c>X-Next-From-Seq</c>) when the range goes on.
/// </summary>
public sealed record RecordHistory(
    string Schema,
    string RecordKey,
    string RecordType,
    string EntityId,
    IReadOnlyList<RecordHistoryEntry> Entries,
    IReadOnlyList<RecordReceipt> Receipts,
    IReadOnlyList<RecordHistoryEntry> PendingEntries,
    [property: JsonIgnore] long? NextFromSeq = null);

/// <summary>What a record's entry is expected to carry, for <see cref="RecordsClient.Check"/>: entries count from 1, as in the official clients.</summary>
public sealed record RecordExpectation(long Entry, IReadOnlyList<PayloadReference> Payloads);

/// <summary>One entry in a check: its number (from 1), status, failure code and sentence, and whether its expected payloads are committed (null when nothing was expected of it).</summary>
public sealed record RecordCheckEntry(long Entry, string Status, string? Code, string? Sentence, bool? Expected);

/// <summary>
/// The verdict of <see cref="RecordsClient.Check"/>, as the official clients' <c>records.check</c> gives it:
/// <see cref="FailedCheck"/> is <c>schema</c> (an entry failed, or none is committed) or <c>semantic</c> (an expected payload is not
/// committed), null when <see cref="Ok"/>.
/// </summary>
public sealed record RecordCheck(bool Ok, IReadOnlyList<RecordCheckEntry> Entries, string? FailedCheck, bool SourceChecked, string? Reason);
