using System.Text.Json;

namespace PacSpace.Contracts.Reads;

/// <summary>
/// A record (Records API) as the record list shows it: its type and entity id, its key, how many entries it has, and its last
/// entry's lifecycle and status (<c>queued</c> until a signed head covers it, then <c>committed</c>).
/// </summary>
public sealed record RecordSummary(
    string RecordType,
    string EntityId,
    string RecordKey,
    long Entries,
    string Lifecycle,
    string Status,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt);

/// <summary>A page of a tenant's records, newest first by their first entry (<c>GET …/records</c>); <see cref="Next"/> continues it.</summary>
public sealed record RecordList(IReadOnlyList<RecordSummary> Records, string? Next);

/// <summary>
/// One entry of a record's history: what it says (<see cref="Content"/>, as the client sent it) and, once committed, where it
/// sits in the log and the public proof of its receipt (<see cref="VerifyUrl"/>, as the plane gives it; null while queued).
/// </summary>
public sealed record RecordEntry(
    long Seq,
    string Status,
    string ReceiptId,
    string Lifecycle,
    string ContentHash,
    DateTimeOffset RecordedAt,
    DateTimeOffset? CommittedAt,
    long? LogIndex,
    long? TreeSize,
    JsonElement Content,
    string? VerifyUrl);

/// <summary>
/// A page of one record's history, oldest entry first (<c>GET …/records/{recordType}/{entityId}?fromSeq=</c>), as the Records
/// API's history answers it; <see cref="NextFromSeq"/> is where the next page starts when entries remain.
/// </summary>
public sealed record RecordHistory(string RecordType, string EntityId, string RecordKey, IReadOnlyList<RecordEntry> Entries, long? NextFromSeq);
