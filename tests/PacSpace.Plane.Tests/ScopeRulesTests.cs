using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Tests;

public class ScopeRulesTests
{
    private const string RecordId = "rec_01m843hv7ffnsbjmh0hykea2a5";
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 30, 0, TimeSpan.Zero);

    private static ScopeFields Fields(string? period = null, string? timePreset = null, string? startDate = null, string? endDate = null,
        string? startingCheckpoint = null, string? startingCheckpointType = null) =>
        new(period, timePreset, startDate, endDate, startingCheckpoint, startingCheckpointType);

    private static Result<Scope> Resolve(ScopeFields fields, bool allowStartingPoint = true, bool defaultWindow = true, DateTimeOffset? now = null,
        List<ErrorDetail>? errors = null) =>
        ScopeRules.Resolve(fields, allowStartingPoint, defaultWindow, now ?? Now, errors ?? []);

    private static Window WindowOf(Result<Scope> result)
    {
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value.Window!;
    }

    private static Error Failure(Result<Scope> result, string code)
    {
        Assert.False(result.IsSuccess, "the scope was accepted");
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(400, result.Error.Status);
        return result.Error;
    }

    private static IReadOnlyList<string> FieldsOf(Error error) => error.Details!.Select(d => d.Field).ToList();

    private static DateTimeOffset Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Resolve_NoField_DefaultsToTheCurrentUtcMonth()
    {
        var window = WindowOf(Resolve(Fields()));

        Assert.Equal((Utc(2026, 3, 1), Utc(2026, 4, 1), "current_month"), (window.Start, window.End, window.Preset));
        Assert.Equal("2026-03", window.Period);
    }

    [Fact]
    public void Resolve_NoFieldForAListing_HasNoWindowAndDescribesAll()
    {
        var scope = Resolve(Fields(), defaultWindow: false).Value;

        Assert.Null(scope.Window);
        Assert.Null(scope.From);
        Assert.Equal("all", scope.Describe().Mode);
    }

    [Theory]
    [InlineData("2026-11", 2026, 11, 2026, 12)]
    [InlineData("2026-12", 2026, 12, 2027, 1)]
    [InlineData("2028-02", 2028, 2, 2028, 3)]
    [InlineData("2000-01", 2000, 1, 2000, 2)]
    public void Resolve_Period_IsThatCalendarMonthInUtc(string period, int y1, int m1, int y2, int m2)
    {
        var window = WindowOf(Resolve(Fields(period)));

        Assert.Equal((Utc(y1, m1, 1), Utc(y2, m2, 1)), (window.Start, window.End));
        Assert.Null(window.Preset);
        Assert.Equal(period, window.Period);
        Assert.Equal(("window", period), (Resolve(Fields(period)).Value.Describe().Mode, Resolve(Fields(period)).Value.Describe().Period));
    }

    [Theory]
    [InlineData("current_month", 2026, 3, 1, 2026, 4, 1)]
    [InlineData("previous_month", 2026, 2, 1, 2026, 3, 1)]
    [InlineData("last_7_days", 2026, 3, 9, 2026, 3, 16)]
    [InlineData("last_30_days", 2026, 2, 14, 2026, 3, 16)]
    [InlineData("last_90_days", 2025, 12, 16, 2026, 3, 16)]
    [InlineData("last_12_months", 2025, 4, 1, 2026, 4, 1)]
    public void Resolve_TimePreset_EndsWithTodayOrThisMonthInclusive(string preset, int y1, int m1, int d1, int y2, int m2, int d2)
    {
        var window = WindowOf(Resolve(Fields(timePreset: preset)));

        Assert.Equal((Utc(y1, m1, d1), Utc(y2, m2, d2), preset), (window.Start, window.End, window.Preset));
    }

    [Fact]
    public void Resolve_PreviousMonthInJanuary_IsDecemberOfTheYearBefore()
    {
        var window = WindowOf(Resolve(Fields(timePreset: "previous_month"), now: new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal((Utc(2026, 12, 1), Utc(2027, 1, 1)), (window.Start, window.End));
        Assert.Equal("2026-12", window.Period);
    }

    [Fact]
    public void Resolve_NowGivenWithAnOffset_DaysAndMonthsAreUtc()
    {
        // 31 March 23:30 in UTC-2 is already 1 April in UTC.
        var window = WindowOf(Resolve(Fields(timePreset: "current_month"), now: new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2))));

        Assert.Equal((Utc(2026, 4, 1), Utc(2026, 5, 1)), (window.Start, window.End));
    }

    [Fact]
    public void Resolve_StartAndEndDates_WindowWithTheGivenPresetOrNone()
    {
        var alone = WindowOf(Resolve(Fields(startDate: "2026-10-01", endDate: "2026-10-15T12:00:00Z")));
        var custom = WindowOf(Resolve(Fields(timePreset: "custom", startDate: "2026-10-01", endDate: "2026-10-15T12:00:00Z")));

        Assert.Equal((Utc(2026, 10, 1), new DateTimeOffset(2026, 10, 15, 12, 0, 0, TimeSpan.Zero), (string?)null), (alone.Start, alone.End, alone.Preset));
        Assert.Equal("custom", custom.Preset);
        Assert.Equal("2026-10-01T00:00:00.000Z/2026-10-15T12:00:00.000Z", alone.Period);
    }

    [Fact]
    public void Resolve_DatesSpanningOneCalendarMonth_PeriodIsTheMonth() =>
        Assert.Equal("2026-10", WindowOf(Resolve(Fields(startDate: "2026-10-01", endDate: "2026-11-01"))).Period);

    [Theory]
    [InlineData("2026-11", "custom", null, null, null, new[] { "period", "timePreset" })]
    [InlineData("2026-11", null, "2026-11-01", "2026-11-05", null, new[] { "period", "startDate", "endDate" })]
    [InlineData("2026-11", null, null, null, RecordId, new[] { "startingCheckpoint", "period" })]
    [InlineData(null, "current_month", "2026-11-01", null, null, new[] { "timePreset", "startDate" })]
    [InlineData(null, "last_7_days", null, "2026-11-01", null, new[] { "timePreset", "endDate" })]
    [InlineData(null, "custom", "2026-11-01", null, null, new[] { "timePreset", "startDate" })]
    [InlineData(null, "custom", null, null, null, new[] { "timePreset" })]
    [InlineData(null, null, null, "2026-11-01", null, new[] { "endDate" })]
    [InlineData(null, null, "2026-11-01", null, null, new[] { "startDate" })]
    public void Resolve_ModesCombined_InvalidScopeCombinationNamingTheFields(string? period, string? preset, string? start, string? end, string? checkpoint,
        string[] fields)
    {
        var error = Failure(Resolve(Fields(period, preset, start, end, checkpoint)), ScopeRules.InvalidScopeCombination);

        Assert.Equal(fields, FieldsOf(error));
        Assert.All(error.Details!, d => Assert.Equal("conflicts with another scope field", d.Issue));
    }

    [Fact]
    public void Resolve_CombinationAndOtherProblems_CombinationIsAnsweredFirst()
    {
        var error = Failure(Resolve(Fields("2026-11", "custom"), errors: [new ErrorDetail("limit", "must be a whole number from 1 to 1000")]),
            ScopeRules.InvalidScopeCombination);

        Assert.DoesNotContain("limit", FieldsOf(error));
    }

    [Fact]
    public void Resolve_WindowLongerThanTwelveMonths_ScopeTooWideNamingEndDate()
    {
        var error = Failure(Resolve(Fields(startDate: "2024-01-01", endDate: "2026-01-01")), ScopeRules.ScopeTooWide);

        Assert.Equal(["endDate"], FieldsOf(error));
        Assert.Contains("longer than 12 months", error.Message, StringComparison.Ordinal);
        Assert.Contains("startingCheckpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-01-01", "2026-01-01", true)]
    [InlineData("2025-01-01", "2026-01-01T00:00:00.001Z", false)]
    [InlineData("2025-01-31", "2026-01-31", true)]
    [InlineData("2025-01-31", "2026-02-01", false)]
    [InlineData("2024-02-29", "2025-02-28", true)]
    [InlineData("2024-02-29", "2025-03-01", false)]
    public void Resolve_WindowAtTwelveMonths_AcceptedAndAnyLonger_TooWide(string start, string end, bool accepted)
    {
        var result = Resolve(Fields(startDate: start, endDate: end));

        if (accepted)
        {
            Assert.True(result.IsSuccess, result.Error?.ToString());
        }
        else
        {
            Failure(result, ScopeRules.ScopeTooWide);
        }
    }

    [Theory]
    [InlineData("2026-13", null, null, null, "period")]
    [InlineData("2026-1", null, null, null, "period")]
    [InlineData("1999-12", null, null, null, "period")]
    [InlineData("9999-12", null, null, null, "period")]
    [InlineData("9999-01", null, null, null, "period")]
    [InlineData(null, null, "2026-01-01", "9999-12-31", "endDate")]
    [InlineData(null, "yesterday", null, null, "timePreset")]
    [InlineData(null, null, "soon", "2026-01-01", "startDate")]
    [InlineData(null, null, "1999-12-31", "2026-01-01", "startDate")]
    [InlineData(null, null, "2026-01-01", "later", "endDate")]
    [InlineData(null, null, "2026-02-01", "2026-01-01", "endDate")]
    [InlineData(null, null, "2026-02-01", "2026-02-01", "endDate")]
    public void Resolve_BadValue_ValidationErrorNamingTheField(string? period, string? preset, string? start, string? end, string field) =>
        Assert.Equal([field], FieldsOf(Failure(Resolve(Fields(period, preset, start, end)), ErrorCodes.ValidationError)));

    [Fact]
    public void Resolve_LatestPeriod_EndsOnTheFirstOfTheNextYear()
    {
        var window = WindowOf(Resolve(Fields("9998-12")));

        Assert.Equal(Utc(9999, 1, 1), window.End);
    }

    [Fact]
    public void Resolve_UnknownPreset_ListsTheAcceptedOnes()
    {
        var error = Failure(Resolve(Fields(timePreset: "yesterday")), ErrorCodes.ValidationError);

        Assert.Equal($"must be one of {string.Join(", ", ScopeRules.Presets)}", error.Details![0].Issue);
    }

    [Fact]
    public void Resolve_ProblemsWithOtherFields_ReportedTogetherWithTheScopes()
    {
        var error = Failure(Resolve(Fields("2026-13"), errors: [new ErrorDetail("limit", "must be a whole number from 1 to 1000")]), ErrorCodes.ValidationError);

        Assert.Equal(["limit", "period"], FieldsOf(error));
    }

    [Fact]
    public void Resolve_ProblemsWithOtherFieldsAndAGoodScope_StillValidationError() =>
        Assert.Equal(["customerId"], FieldsOf(Failure(Resolve(Fields("2026-11"), errors: [new ErrorDetail("customerId", "must be 1 to 256 characters")]),
            ErrorCodes.ValidationError)));

    [Theory]
    [InlineData(RecordId, null, RecordId, "recordId")]
    [InlineData("rcp_01m843hv7ffnsbjmh0hykea2a5", null, "rcp_01m843hv7ffnsbjmh0hykea2a5", "recordId")]
    [InlineData("0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "proofRoot")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "proofRoot", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "proofRoot")]
    public void Resolve_StartingCheckpoint_ResumesFromItWithTheTypeGivenOrInferred(string value, string? type, string expected, string expectedType)
    {
        var scope = Resolve(Fields(startingCheckpoint: value, startingCheckpointType: type)).Value;

        Assert.Null(scope.Window);
        Assert.Equal(new StartingPoint(expected, expectedType), scope.From);
        Assert.Equal(("checkpoint", expected, expectedType), (scope.Describe().Mode, scope.Describe().StartingCheckpoint, scope.Describe().StartingCheckpointType));
    }

    [Theory]
    [InlineData("xyz", null, "startingCheckpoint")]
    [InlineData(RecordId, "anchorId", "startingCheckpointType")]
    [InlineData(RecordId, "proofRoot", "startingCheckpoint")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "recordId", "startingCheckpoint")]
    public void Resolve_BadStartingCheckpoint_ValidationErrorNamingTheField(string value, string? type, string field) =>
        Assert.Contains(field, FieldsOf(Failure(Resolve(Fields(startingCheckpoint: value, startingCheckpointType: type)), ErrorCodes.ValidationError)));

    [Fact]
    public void Resolve_StartingCheckpointWhereOnlyWindowsAreAccepted_ValidationErrorNamingIt() =>
        Assert.Equal(["startingCheckpoint"], FieldsOf(Failure(Resolve(Fields(startingCheckpoint: RecordId), allowStartingPoint: false), ErrorCodes.ValidationError)));

    [Fact]
    public void Resolve_StartingCheckpointTypeAlone_ValidationErrorNamingIt() =>
        Assert.Equal(["startingCheckpointType"], FieldsOf(Failure(Resolve(Fields(startingCheckpointType: "proofRoot")), ErrorCodes.ValidationError)));

    [Theory]
    [InlineData("0x" + "AbCdEf0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("abcdef", null)]
    [InlineData("zzcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", null)]
    [InlineData("0x", null)]
    public void ProofRoot_Text_LowerHexWithoutPrefixOrNull(string text, string? expected) =>
        Assert.Equal(expected, ScopeRules.ProofRoot(text));

    [Fact]
    public void Presets_ListedInTheLimits_AllResolve() =>
        Assert.All(ScopeRules.Presets.Where(p => p != "custom"), p => Assert.True(Resolve(Fields(timePreset: p)).IsSuccess, p));
}
