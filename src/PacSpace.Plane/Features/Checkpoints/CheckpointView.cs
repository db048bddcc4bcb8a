using System.Text.Json;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>A period checkpoint as answered: what it commits to, where to verify it, and optionally one customer's figures.</summary>
internal sealed record CheckpointView(
    string CheckpointId,
    string Status,
    string ProofRoot,
    string Period,
    string? TimePreset,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    long FromSize,
    long ToSize,
    long DeltaCount,
    long NetChange,
    long CustomerCount,
    string BalancesRoot,
    DateTimeOffset ClosedAt,
    DateTimeOffset CreatedAt,
    string VerifyUrl,
    string VerificationApiUrl,
    string Checkpoint,
    JsonElement Statement,
    string Signature,
    ConsistencyView ConsistencyFromPrevious,
    CustomerView? Customer)
{
    public static CheckpointView Of(CheckpointRow row, string baseUrl, CustomerView? customer)
    {
        var url = UrlOf(baseUrl, row.ProofRoot);
        using var statement = JsonDocument.Parse(row.Statement);
        return new CheckpointView(row.CheckpointId, "VERIFIED", row.ProofRoot, row.Period, row.TimePreset,
            DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart), DateTimeOffset.FromUnixTimeMilliseconds(row.WindowEnd), row.FromSize, row.ToSize,
            row.DeltaCount, row.NetChange, row.CustomerCount, row.BalancesRoot, DateTimeOffset.FromUnixTimeMilliseconds(row.ClosedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), url, url, row.Note, statement.RootElement.Clone(), row.Signature,
            ConsistencyView.Of(row), customer);
    }

    /// <summary>Where anyone checks a proof root: this plane's public verify route (the page and the API are the same URL).</summary>
    public static string UrlOf(string baseUrl, string proofRoot) => $"{baseUrl}/api/v1/verify/{proofRoot}";
}
