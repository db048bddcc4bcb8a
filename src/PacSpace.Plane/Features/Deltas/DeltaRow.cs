using System.Text.Json;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>A stored delta with its customer's id, as reads and the duplicate check see it; its ids and status are filled in by <see cref="Finish"/>.</summary>
internal sealed class DeltaRow
{
    /// <summary>Every column a read selects: the delta, its customer's id and the ids it had before ids were derived from the place.</summary>
    public const string Columns =
        """
        d.ledger_no, d.log_index, c.customer_id, d.amount, d.reason, d.reference_id, d.idempotency_key, d.content_hash, d.metadata, d.adjusts,
               d.content_version, d.customer_seq, d.prev_index, d.balance_after, d.recorded_at, d.created_at, x.record_id AS legacy_record_id, x.receipt_id AS legacy_receipt_id
        """;

    /// <summary>What <see cref="Columns"/> reads besides the delta <c>d</c>: its customer and its ids from before.</summary>
    public const string Joins =
        """
        JOIN log_customers c ON c.customer_no = d.customer_no
        LEFT JOIN legacy_ids x ON x.ledger_no = d.ledger_no AND x.log_index = d.log_index
        """;

    /// <summary><see cref="Columns"/> from <c>deltas d</c>, to be followed by a condition.</summary>
    public const string Select = $"SELECT {Columns} FROM deltas d {Joins}";

    public long LedgerNo { get; set; }

    public long LogIndex { get; set; }

    public string CustomerId { get; set; } = "";

    public long Amount { get; set; }

    public string Reason { get; set; } = "";

    public string? ReferenceId { get; set; }

    public string? IdempotencyKey { get; set; }

    public byte[] ContentHash { get; set; } = [];

    /// <summary>The metadata as canonical JSON, when the delta has any.</summary>
    public string? Metadata { get; set; }

    /// <summary>The adjustment as its canonical JSON, when the delta names one.</summary>
    public string? Adjusts { get; set; }

    /// <summary>
    /// The content version its hash was made under: 2 for a delta that adjusts another (its adjusts hashed with it), 1 for
    /// one that does not, and for every delta stored before version 2 existed, adjusts or not.
    /// </summary>
    public int ContentVersion { get; set; } = DeltaContent.FirstVersion;

    public long CustomerSeq { get; set; }

    public long? PrevIndex { get; set; }

    public long BalanceAfter { get; set; }

    public long RecordedAt { get; set; }

    /// <summary>Only where it differs from <see cref="RecordedAt"/>: deltas written before sequencing moved into the commit.</summary>
    public long? CreatedAt { get; set; }

    public string? LegacyRecordId { get; set; }

    public string? LegacyReceiptId { get; set; }

    public string RecordId { get; private set; } = "";

    public string ReceiptId { get; private set; } = "";

    public string Status { get; private set; } = DeltaStatus.Queued;

    public string ContentHashHex => Hex.Encode(ContentHash);

    /// <summary>What makes two requests "the same body" for idempotency.</summary>
    public string RequestHash => NewDelta.RequestHash(ContentHash, Adjusts);

    /// <summary>Gives the row its ids (derived from its place, or the ones it was given before) and its status under <paramref name="treeSize"/>.</summary>
    public DeltaRow Finish(EntryIds ids, long treeSize)
    {
        RecordId = LegacyRecordId ?? ids.RecordId(LedgerNo, LogIndex);
        ReceiptId = LegacyReceiptId ?? ids.ReceiptId(LedgerNo, LogIndex);
        Status = LogIndex < treeSize ? DeltaStatus.Verified : DeltaStatus.Queued;
        return this;
    }

    /// <summary>The canonical delta its content hash was made over, rebuilt from the columns, in its own content version.</summary>
    public DeltaContent Content(string tenantId, string env) =>
        new(tenantId, env, CustomerId, Amount, Reason, ReferenceId, Metadata is null ? null : JsonDocument.Parse(Metadata).RootElement.Clone())
        {
            Adjusts = ContentVersion >= DeltaContent.AdjustsVersion && Adjusts is { } adjusts ? DeltaAdjusts.Parse(adjusts) : null,
        };

    /// <summary>The entry this delta is in its log (its leaf).</summary>
    public LeafEntry Entry() => new(RecordedAt, CustomerSeq, PrevIndex, BalanceAfter, ContentHash);

    public DeltaItem ToView() => new(RecordId, ReceiptId, Amount, Reason, ReferenceId, Status, ContentHashHex, CustomerSeq, LogIndex, BalanceAfter,
        DateTimeOffset.FromUnixTimeMilliseconds(RecordedAt), DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt ?? RecordedAt));
}
