using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Scopes;

/// <summary>The scope fields as sent, from a query string or a JSON body.</summary>
internal sealed record ScopeFields(string? Period, string? TimePreset, string? StartDate, string? EndDate, string? StartingCheckpoint, string? StartingCheckpointType)
{
    public static readonly string[] WindowNames = ["period", "timePreset", "startDate", "endDate"];

    public bool HasWindow => Period is not null || TimePreset is not null || StartDate is not null || EndDate is not null;

    public static ScopeFields FromBody(FieldReader f) => new(f.String("period", false), f.String("timePreset", false), f.String("startDate", false),
        f.String("endDate", false), f.String("startingCheckpoint", false), f.String("startingCheckpointType", false));
}
