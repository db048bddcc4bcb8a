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

        using var statement = JsonDocument.Parse(row.Statement);
        return new CheckpointView(row.CheckpointId, "VERIFIED", row.ProofRoot, row.Period, row.TimePreset,
            DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart), DateTimeOffset.FromUnixTimeMilliseconds(row.WindowEnd), row.FromSize, row.ToSize,
            row.DeltaCount, row.NetChange, row.CustomerCount, row.BalancesRoot, DateTimeOffset.FromUnixTimeMilliseconds(row.ClosedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), PageUrl(baseUrl, row.ProofRoot), ApiUrl(baseUrl, row.ProofRoot), row.Note, statement.RootElement.Clone(), row.Signature,
            ConsistencyView.Of(row), customer);
    }

    /// <summary>Where a person checks a proof root (<c>verifyUrl</c>): the verification page, checked in the visitor's browser.</summary>
    public static string PageUrl(string baseUrl, string proofRoot) => Verify.VerifyPages.PeriodUrl(baseUrl, proofRoot);

    /// <summary>Where a program checks it (<c>verificationApiUrl</c>): the public JSON route.</summary>
    public static string ApiUrl(string baseUrl, string proofRoot) => $"{baseUrl}/api/v1/verify/{proofRoot}";
}
