using PacSpace.ControlPlane.Features.Environments;

namespace PacSpace.ControlPlane.Pages;

/// <summary>How the pages spell times, environments, statuses and prices.</summary>
internal static class Display
{
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "never";

    /// <summary>A time to the second, for entries of a log.</summary>
    public static string Moment(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "never";

    /// <summary>A whole amount with thousands separators (amounts are integers).</summary>
    public static string Amount(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A change, with its sign: +5, -3.</summary>
    public static string Signed(long value) => (value > 0 ? "+" : "") + Amount(value);

    /// <summary>An amount and its unit, when the customer has one: <c>1,200 credits</c>.</summary>
    public static string Amount(long value, string? unit) => string.IsNullOrEmpty(unit) ? Amount(value) : $"{Amount(value)} {unit}";

    public static string EnvLabel(PacSpaceEnvironment env) => env == PacSpaceEnvironment.Sandbox ? "Sandbox" : "Production";

    public static string StatusLabel(string status) => status switch
    {
        Vocabulary.Active => "Active",
        Vocabulary.Activating => "Activating…",
        Vocabulary.Failed => "Failed",
        _ => "Not active",
    };

    public static string Price(decimal? usd) => usd is null ? "custom" : usd == 0 ? "free" : $"${usd:N0}/month";

    private static readonly (string Token, string Name)[] Browsers =
        [("Edg/", "Edge"), ("OPR/", "Opera"), ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari")];

    private static readonly (string Token, string Name)[] Systems =
        [("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux")];

    /// <summary>
    /// "Chrome on Linux" from a User-Agent, for people to recognise a device; any other client by its first product
    /// name ("curl"). A guess from a header the client chose, so the header itself is shown beside it.
    /// </summary>
    public static string Device(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown client";
        }

        var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.Ordinal)).Name;
        if (browser is null)
        {
            var product = userAgent.Split(['/', ' ', ';', '('], 2)[0];
            browser = product.Length is > 0 and <= 40 ? product : "Unknown client";
        }

        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return system is null ? browser : $"{browser} on {system}";
    }
}
