namespace PacSpace.Plane.Features.Scopes;

/// <summary>The resolved scope as answered: <c>mode</c> is window, checkpoint or all.</summary>
internal sealed record ScopeView(string Mode, string? Period, string? TimePreset, DateTimeOffset? StartDate, DateTimeOffset? EndDate,
    string? StartingCheckpoint, string? StartingCheckpointType);
