namespace PacSpace.Plane.Features.Deltas;

/// <summary>A stored delta, as the routes read it.</summary>
internal sealed class DeltaRow
{
    public const string Columns =
        "record_id, receipt_id, tenant_id, customer_id, amount, reason, reference_id, idempotency_key, request_hash, content_hash, status, created_at, " +
        "log_index, customer_seq, prev_index, balance_after, recorded_at, verified_at, head_size";

    public string RecordId { get; set; } = "";

    public string ReceiptId { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string CustomerId { get; set; } = "";

    public long Amount { get; set; }

    public string Reason { get; set; } = "";

    public string? ReferenceId { get; set; }

    public string? IdempotencyKey { get; set; }

    public string RequestHash { get; set; } = "";

    public string ContentHash { get; set; } = "";

    public string Status { get; set; } = "";

    public long CreatedAt { get; set; }

    public long? LogIndex { get; set; }

    public long? CustomerSeq { get; set; }

    public long? PrevIndex { get; set; }

    public long? BalanceAfter { get; set; }

    public long? RecordedAt { get; set; }

    public long? VerifiedAt { get; set; }

    public long? HeadSize { get; set; }

    /// <summary>The canonical delta (RFC 8785 text); read only where it is shown.</summary>
    public string? Canonical { get; set; }
}
