namespace PacSpace.Plane.Features.Deltas;

/// <summary>A delta row as listed by derive, receipts and customer pages.</summary>
internal sealed class LoggedDelta
{
    public const string Columns = "record_id, receipt_id, amount, reason, reference_id, status, content_hash, customer_seq, log_index, balance_after, recorded_at, created_at";

    public string RecordId { get; set; } = "";

    public string ReceiptId { get; set; } = "";

    public long Amount { get; set; }

    public string Reason { get; set; } = "";

    public string? ReferenceId { get; set; }

    public string Status { get; set; } = "";

    public string ContentHash { get; set; } = "";

    public long? CustomerSeq { get; set; }

    public long? LogIndex { get; set; }

    public long? BalanceAfter { get; set; }

    public long? RecordedAt { get; set; }

    public long CreatedAt { get; set; }

    public DeltaItem ToView() => new(RecordId, ReceiptId, Amount, Reason, ReferenceId, Status, ContentHash, CustomerSeq, LogIndex, BalanceAfter,
        RecordedAt is long r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
}
