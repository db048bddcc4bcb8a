namespace PacSpace.Plane.Features.Deltas;

/// <summary>One delta as listed by derive, receipts and customer pages.</summary>
internal sealed record DeltaItem(
    string RecordId,
    string ReceiptId,
    long Delta,
    string Reason,
    string? ReferenceId,
    string Status,
    string ContentHash,
    long? CustomerSeq,
    long? LogIndex,
    long? BalanceAfter,
    DateTimeOffset? RecordedAt,
    DateTimeOffset CreatedAt);
