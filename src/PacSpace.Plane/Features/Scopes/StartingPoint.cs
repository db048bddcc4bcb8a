namespace PacSpace.Plane.Features.Scopes;

/// <summary>Where a balance is resumed from instead of a window: after a checkpoint (proofRoot) or after one delta.</summary>
internal sealed record StartingPoint(string Value, string Type);
