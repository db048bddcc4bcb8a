namespace PacSpace.Plane.Features.Deltas;

internal static class DeltaStatus
{
    public const string Queued = "QUEUED";
    public const string Verified = "VERIFIED";
    public const string Failed = "FAILED";
}
