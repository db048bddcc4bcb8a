namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>A stored period checkpoint (one row of <c>checkpoints</c>).</summary>
internal sealed class CheckpointRow
{
    public const string Columns =
        "checkpoint_id, tenant_id, period, time_preset, window_start, window_end, from_size, to_size, proof_root, prev_root, balances_root, " +
        "customer_count, delta_count, net_change, closed_at, created_at, note, statement, signature, consistency";

    public string CheckpointId { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string Period { get; set; } = "";

    public string? TimePreset { get; set; }

    public long WindowStart { get; set; }

    public long WindowEnd { get; set; }

    public long FromSize { get; set; }

    public long ToSize { get; set; }

    public string ProofRoot { get; set; } = "";

    public string PrevRoot { get; set; } = "";

    public string BalancesRoot { get; set; } = "";

    public long CustomerCount { get; set; }

    public long DeltaCount { get; set; }

    public long NetChange { get; set; }

    public long ClosedAt { get; set; }

    public long CreatedAt { get; set; }

    public string Note { get; set; } = "";

    public string Statement { get; set; } = "";

    public string Signature { get; set; } = "";

    public string Consistency { get; set; } = "";
}
