using System.Text.Json;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>The consistency proof of a checkpoint from the log's size at its window's start.</summary>
internal sealed record ConsistencyView(long FromSize, long ToSize, string PrevRoot, IReadOnlyList<string> Proof)
{
    public static ConsistencyView Of(CheckpointRow row) =>
        new(row.FromSize, row.ToSize, row.PrevRoot, JsonSerializer.Deserialize<List<string>>(row.Consistency) ?? []);
}
