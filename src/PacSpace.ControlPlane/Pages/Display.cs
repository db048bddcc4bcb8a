using PacSpace.ControlPlane.Features.Environments;

namespace PacSpace.ControlPlane.Pages;

/// <summary>How the pages spell times, environments, statuses and prices.</summary>
internal static class Display
{
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "never";

    public static string EnvLabel(PacSpaceEnvironment env) => env == PacSpaceEnvironment.Sandbox ? "Sandbox" : "Production";

    public static string StatusLabel(string status) => status switch
    {
        Vocabulary.Active => "Active",
        Vocabulary.Activating => "Activating…",
        Vocabulary.Failed => "Failed",
        _ => "Not active",
    };

    public static string Price(decimal? usd) => usd is null ? "custom" : usd == 0 ? "free" : $"${usd:N0}/month";
}
