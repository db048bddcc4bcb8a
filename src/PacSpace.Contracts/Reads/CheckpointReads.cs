using System.Text.Json;

namespace PacSpace.Contracts.Reads;

/// <summary>
/// A period checkpoint as the checkpoint list shows it: the window it closed, the log prefix it covers (<c>[FromSize, ToSize)</c>),
/// its proof root and balances root, its totals, and the signed statement (the C2SP note at <see cref="ToSize"/>, the period
/// statement and its signature) that anyone can check at <see cref="VerifyUrl"/> (as the plane gives it).
/// </summary>
public sealed record CheckpointSummary(
    string CheckpointId,
    string Period,
    string? TimePreset,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    long FromSize,
    long ToSize,
    string ProofRoot,
    string BalancesRoot,
    long CustomerCount,
    long DeltaCount,
    long NetChange,
    DateTimeOffset ClosedAt,
    DateTimeOffset CreatedAt,
    string Checkpoint,
    JsonElement Statement,
    string Signature,
    string VerifyUrl);

/// <summary>A page of a tenant's checkpoints, newest first (<c>GET …/checkpoints</c>); <see cref="Next"/> continues it.</summary>
public sealed record CheckpointList(IReadOnlyList<CheckpointSummary> Checkpoints, string? Next);
