namespace PacSpace.Sdk.Balance;

/// <summary>Values of <see cref="BalanceScope.TimePreset"/>, for <see cref="BalanceScope.Preset"/>.</summary>
public static class TimePresets
{
    /// <summary>The current UTC month (also what no scope means).</summary>
    public const string CurrentMonth = "current_month";

    /// <summary>The previous UTC month.</summary>
    public const string PreviousMonth = "previous_month";

    /// <summary>The last 7 whole UTC days, today included.</summary>
    public const string Last7Days = "last_7_days";

    /// <summary>The last 30 whole UTC days, today included.</summary>
    public const string Last30Days = "last_30_days";

    /// <summary>The last 90 whole UTC days, today included.</summary>
    public const string Last90Days = "last_90_days";

    /// <summary>The current UTC month and the 11 before it.</summary>
    public const string Last12Months = "last_12_months";

    /// <summary>A window with its own dates; made by <see cref="BalanceScope.Custom"/> only.</summary>
    public const string Custom = "custom";
}
