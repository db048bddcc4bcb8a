using System.Globalization;

namespace PacSpace.Sdk.Balance;

/// <summary>
/// What a derive, compare, checkpoint or receipt covers: a calendar month, a preset, a custom window, or (derive and
/// compare only) everything after a checkpoint or a delta. No scope means the current UTC month. Built only through
/// the factory methods, so an invalid combination cannot be expressed.
/// </summary>
public sealed record BalanceScope
{
    private const string ProofRootCheckpoint = "proofRoot";
    private const string RecordIdCheckpoint = "recordId";

    private BalanceScope()
    {
    }

    /// <summary><c>YYYY-MM</c>, when the scope is a calendar month.</summary>
    public string? Period { get; private init; }

    /// <summary><c>current_month</c>, <c>previous_month</c>, <c>last_7_days</c>, <c>last_30_days</c>, <c>last_90_days</c>, <c>last_12_months</c> or <c>custom</c> (see <see cref="TimePresets"/>).</summary>
    public string? TimePreset { get; private init; }

    /// <summary>Start of a custom window (inclusive).</summary>
    public DateTimeOffset? StartDate { get; private init; }

    /// <summary>End of a custom window (exclusive).</summary>
    public DateTimeOffset? EndDate { get; private init; }

    /// <summary>A proof root, record id or receipt id to resume after.</summary>
    public string? StartingCheckpoint { get; private init; }

    /// <summary><c>proofRoot</c> or <c>recordId</c>.</summary>
    public string? StartingCheckpointType { get; private init; }

    /// <summary>The current UTC month (also what no scope means).</summary>
    public static BalanceScope CurrentMonth { get; } = new() { TimePreset = TimePresets.CurrentMonth };

    /// <summary>The previous UTC month.</summary>
    public static BalanceScope PreviousMonth { get; } = new() { TimePreset = TimePresets.PreviousMonth };

    /// <summary>A calendar month (UTC).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The month is not 1–12 or the year not 2000–9998.</exception>
    public static BalanceScope Month(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return new BalanceScope { Period = $"{year:D4}-{month:D2}" };
    }

    /// <summary>A calendar month given as <c>YYYY-MM</c>.</summary>
    /// <exception cref="ArgumentException">Not a month in that form.</exception>
    public static BalanceScope Month(string period)
    {
        if (period is not { Length: 7 } || period[4] != '-'
            || !int.TryParse(period.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(period.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month))
        {
            throw new ArgumentException("A period is a month written YYYY-MM, for example 2026-11.", nameof(period));
        }

        return Month(year, month);
    }

    /// <summary>A named preset (see <see cref="TimePreset"/>); <c>custom</c> needs <see cref="Custom"/> instead.</summary>
    /// <exception cref="ArgumentException">Empty, or <c>custom</c>.</exception>
    public static BalanceScope Preset(string timePreset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(timePreset);
        if (timePreset == TimePresets.Custom)
        {
            throw new ArgumentException("timePreset custom needs dates: use BalanceScope.Custom(start, end).", nameof(timePreset));
        }

        return new BalanceScope { TimePreset = timePreset };
    }

    /// <summary>The months back to the start of <c>months − 1</c> months ago, up to the start of next month (UTC).</summary>
    /// <param name="months">1 = this month only.</param>
    /// <param name="now">The current time (for tests; default now).</param>
    public static BalanceScope MonthsBack(int months, DateTimeOffset? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var t = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var next = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return Custom(next.AddMonths(-months), next);
    }

    /// <summary>A custom window <c>[start, end)</c>.</summary>
    /// <exception cref="ArgumentException">The end is not after the start.</exception>
    public static BalanceScope Custom(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            throw new ArgumentException("The end of a custom scope must be later than its start.", nameof(end));
        }

        return new BalanceScope { TimePreset = TimePresets.Custom, StartDate = start.ToUniversalTime(), EndDate = end.ToUniversalTime() };
    }

    /// <summary>Everything after a period checkpoint (derive and compare only).</summary>
    public static BalanceScope AfterCheckpoint(string proofRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(proofRoot);
        return new BalanceScope { StartingCheckpoint = proofRoot, StartingCheckpointType = ProofRootCheckpoint };
    }

    /// <summary>Everything after a delta, by record id or receipt id (derive and compare only); resume with <see cref="DerivedBalance.LatestReceiptId"/>.</summary>
    public static BalanceScope AfterDelta(string recordOrReceiptId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordOrReceiptId);
        return new BalanceScope { StartingCheckpoint = recordOrReceiptId, StartingCheckpointType = RecordIdCheckpoint };
    }

    internal bool IsStartingPoint => StartingCheckpoint is not null;

    internal (string, object?)[] QueryParameters() =>
    [
        ("startingCheckpoint", StartingCheckpoint), ("startingCheckpointType", StartingCheckpointType),
        ("period", Period), ("timePreset", TimePreset), ("startDate", StartDate), ("endDate", EndDate),
    ];

    internal void AddTo(Dictionary<string, object?> body)
    {
        foreach (var (name, value) in QueryParameters())
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }
    }
}
