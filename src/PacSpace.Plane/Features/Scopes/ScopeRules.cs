using System.Globalization;
using System.Text.RegularExpressions;
using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Scopes;

/// <summary>
/// The scope rules of derive, compare, checkpoints and receipts. A window comes from <c>period</c> (YYYY-MM), a
/// <c>timePreset</c>, or <c>startDate</c>/<c>endDate</c> (with <c>timePreset=custom</c> or alone); derive and compare
/// may instead resume from <c>startingCheckpoint</c>. Combining modes is <c>INVALID_SCOPE_COMBINATION</c>; a window
/// longer than <see cref="MaxScopeMonths"/> months is <c>SCOPE_TOO_WIDE</c>; bad values are <c>VALIDATION_ERROR</c>
/// naming the field. Days and months are UTC.
/// </summary>
internal static partial class ScopeRules
{
    public const int MaxScopeMonths = 12;
    public const int MaxLastNDays = 366;

    public const string InvalidScopeCombination = "INVALID_SCOPE_COMBINATION";
    public const string ScopeTooWide = "SCOPE_TOO_WIDE";

    public static readonly IReadOnlyList<string> Presets =
        ["current_month", "previous_month", "last_7_days", "last_30_days", "last_90_days", "last_12_months", "custom"];

    public static readonly IReadOnlyList<string> CheckpointTypes = ["proofRoot", "recordId"];

    private static readonly string PresetList = string.Join(", ", Presets);

    /// <param name="allowStartingPoint">Whether <c>startingCheckpoint</c> is accepted (derive and compare).</param>
    /// <param name="defaultWindow">With no scope field: the current UTC month (true) or no window at all (listings).</param>
    /// <param name="errors">Problems with the caller's other fields, reported together with these.</param>
    public static Result<Scope> Resolve(ScopeFields s, bool allowStartingPoint, bool defaultWindow, DateTimeOffset now, List<ErrorDetail> errors)
    {
        // Combinations first: they say which mode the caller meant.
        if (s.StartingCheckpoint is not null && s.HasWindow)
        {
            return Combination("startingCheckpoint resumes from a checkpoint and cannot be combined with period, timePreset, startDate or endDate; send one or the other.",
                ["startingCheckpoint", .. Present(s)]);
        }

        if (s.Period is not null && (s.TimePreset is not null || s.StartDate is not null || s.EndDate is not null))
        {
            return Combination("period (YYYY-MM) cannot be combined with timePreset, startDate or endDate.", Present(s));
        }

        if (s.TimePreset is not null and not "custom" && (s.StartDate is not null || s.EndDate is not null))
        {
            return Combination($"timePreset={s.TimePreset} sets its own dates; send startDate and endDate only with timePreset=custom or without a timePreset.", Present(s));
        }

        if (s.TimePreset == "custom" && (s.StartDate is null || s.EndDate is null))
        {
            return Combination("timePreset=custom needs both startDate and endDate.", Present(s));
        }

        if (s.TimePreset is null && (s.StartDate is null) != (s.EndDate is null))
        {
            return Combination("startDate and endDate come in pairs: send both or neither.", Present(s));
        }

        if (s.StartingCheckpoint is not null)
        {
            return ResolveStartingPoint(s, allowStartingPoint, errors);
        }

        if (s.StartingCheckpointType is not null)
        {
            errors.Add(new ErrorDetail("startingCheckpointType", "is only used together with startingCheckpoint"));
        }

        Window? window = null;
        if (s.Period is not null)
        {
            window = ParsePeriod(s.Period, errors);
        }
        else if (s.StartDate is not null)
        {
            var start = ParseDate("startDate", s.StartDate, errors);
            var end = ParseDate("endDate", s.EndDate!, errors);
            if (start is { } a && end is { } b)
            {
                if (b <= a)
                {
                    errors.Add(new ErrorDetail("endDate", "must be later than startDate"));
                }
                else
                {
                    window = new Window(a, b, s.TimePreset);
                }
            }
        }
        else if (s.TimePreset is not null)
        {
            window = ResolvePreset(s.TimePreset, now, errors);
        }
        else if (defaultWindow)
        {
            window = ResolvePreset("current_month", now, errors);
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        if (window is not null && window.End > window.Start.AddMonths(MaxScopeMonths))
        {
            return new Error(400, ScopeTooWide,
                $"The scope {window.Period} is longer than {MaxScopeMonths} months. Ask for a shorter window (GET /api/v1/balance/limits lists the limits), or resume from a checkpoint with startingCheckpoint.")
            {
                Details = [new ErrorDetail(s.Period is not null ? "period" : "endDate", $"the window may span at most {MaxScopeMonths} months")],
            };
        }

        return new Scope(window, null);
    }

    private static Result<Scope> ResolveStartingPoint(ScopeFields s, bool allowed, List<ErrorDetail> errors)
    {
        if (!allowed)
        {
            errors.Add(new ErrorDetail("startingCheckpoint", "is not accepted here; give a window with period, timePreset or startDate and endDate"));
            return Error.Validation(errors);
        }

        var value = s.StartingCheckpoint!;
        var type = s.StartingCheckpointType;
        if (type is not null && !CheckpointTypes.Contains(type))
        {
            errors.Add(new ErrorDetail("startingCheckpointType", $"must be one of {string.Join(", ", CheckpointTypes)}"));
        }

        type ??= value.StartsWith("rec_", StringComparison.Ordinal) || value.StartsWith("rcp_", StringComparison.Ordinal) ? "recordId" : "proofRoot";
        if (type == "proofRoot" && ProofRoot(value) is null)
        {
            errors.Add(new ErrorDetail("startingCheckpoint", "must be a proofRoot (64 hex characters, 0x optional) or a recordId / receiptId (rec_… / rcp_…)"));
        }
        else if (type == "recordId" && !(Hosting.Data.Ids.IsValid(value, "rec") || Hosting.Data.Ids.IsValid(value, "rcp")))
        {
            errors.Add(new ErrorDetail("startingCheckpoint", "must be a recordId (rec_…) or receiptId (rcp_…) when startingCheckpointType is recordId"));
        }

        return errors.Count > 0 ? Error.Validation(errors) : new Scope(null, new StartingPoint(type == "proofRoot" ? ProofRoot(value)! : value, type));
    }

    /// <summary>A proof root as lower-case hex without <c>0x</c>, or null when the text is not one.</summary>
    public static string? ProofRoot(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? hex.ToLowerInvariant() : null;
    }

    /// <summary>Latest year a window may start in; its end must still be a valid date.</summary>
    private const int MaxYear = 9998;

    private static Window? ParsePeriod(string text, List<ErrorDetail> errors)
    {
        var m = PeriodPattern().Match(text);
        if (!m.Success)
        {
            errors.Add(new ErrorDetail("period", "must be a month as YYYY-MM, for example 2026-11"));
            return null;
        }

        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (year > MaxYear)
        {
            // The window ends a month later, and the date types end with year 9999.
            errors.Add(new ErrorDetail("period", $"must be a month from 2000-01 to {MaxYear}-12"));
            return null;
        }

        var start = new DateTimeOffset(year, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero);
        return new Window(start, start.AddMonths(1), null);
    }

    private static DateTimeOffset? ParseDate(string field, string text, List<ErrorDetail> errors)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) && value.Year is >= 2000 and <= MaxYear)
        {
            return value.ToUniversalTime();
        }

        errors.Add(new ErrorDetail(field, "must be an ISO 8601 date or time such as 2026-10-01 or 2026-10-01T00:00:00Z"));
        return null;
    }

    private static Window? ResolvePreset(string preset, DateTimeOffset now, List<ErrorDetail> errors)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var month = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        switch (preset)
        {
            case "current_month":
                return new Window(month, month.AddMonths(1), preset);
            case "previous_month":
                return new Window(month.AddMonths(-1), month, preset);
            case "last_7_days":
                return new Window(today.AddDays(-6), today.AddDays(1), preset);
            case "last_30_days":
                return new Window(today.AddDays(-29), today.AddDays(1), preset);
            case "last_90_days":
                return new Window(today.AddDays(-89), today.AddDays(1), preset);
            case "last_12_months":
                return new Window(month.AddMonths(-11), month.AddMonths(1), preset);
            default:
                errors.Add(new ErrorDetail("timePreset", $"must be one of {PresetList}"));
                return null;
        }
    }

    private static List<string> Present(ScopeFields s)
    {
        var names = new List<string>();
        if (s.Period is not null) names.Add("period");
        if (s.TimePreset is not null) names.Add("timePreset");
        if (s.StartDate is not null) names.Add("startDate");
        if (s.EndDate is not null) names.Add("endDate");
        return names;
    }

    private static Error Combination(string message, IEnumerable<string> fields) =>
        new(400, InvalidScopeCombination, message) { Details = fields.Distinct().Select(f => new ErrorDetail(f, "conflicts with another scope field")).ToList() };

    [GeneratedRegex(@"^(20\d\d|2[1-9]\d\d|[3-9]\d\d\d)-(0[1-9]|1[0-2])$")]
    private static partial Regex PeriodPattern();
}
