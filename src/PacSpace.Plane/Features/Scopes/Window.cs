using System.Globalization;

namespace PacSpace.Plane.Features.Scopes;

/// <summary>A resolved time window <c>[Start, End)</c> of the log (by each entry's <c>recordedAt</c>).</summary>
internal sealed record Window(DateTimeOffset Start, DateTimeOffset End, string? Preset)
{
    public long StartMs => Start.ToUnixTimeMilliseconds();

    public long EndMs => End.ToUnixTimeMilliseconds();

    /// <summary><c>2026-11</c> for a calendar month, else the ISO 8601 interval <c>start/end</c>.</summary>
    public string Period =>
        Start is { Day: 1, Hour: 0, Minute: 0, Second: 0, Millisecond: 0 } && End == Start.AddMonths(1)
            ? Start.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : $"{Ledger.PeriodStatement.Time(Start)}/{Ledger.PeriodStatement.Time(End)}";
}
