using System.Globalization;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// The filters of a list page as read from its address: each value the page cannot use is left out and said so
/// (<see cref="Ignored"/>) rather than refusing the page, and the page's links keep the filters that were applied.
/// </summary>
internal sealed class ListQuery
{
    /// <summary>Filter values that were left out, and why.</summary>
    public List<string> Ignored { get; } = [];

    /// <summary>A free-text filter, trimmed; empty is no filter, and one longer than <paramref name="max"/> is left out.</summary>
    public string? Text(string? value, int max, string tooLong)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (text is { Length: var length } && length > max)
        {
            Ignored.Add(tooLong);
            return null;
        }

        return text;
    }

    /// <summary>A range of UTC days (<c>YYYY-MM-DD</c>, either end open); an unreadable end is left out, a reversed range entirely.</summary>
    public (DateOnly? From, DateOnly? To) Days(string? from, string? to)
    {
        var (first, last) = (Day(from, "first"), Day(to, "last"));
        if (first is { } a && last is { } b && b < a)
        {
            Ignored.Add("The last day is before the first, so both were left out.");
            return (null, null);
        }

        return (first, last);
    }

    /// <summary>The instant a UTC day starts.</summary>
    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A day as the filters write it.</summary>
    public static string? Format(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The address of a list with the given filters (those without a value left out), in the order given.</summary>
    public static string Url(string path, params (string Name, string? Value)[] query)
    {
        var set = query.Where(q => q.Value is not null).Select(q => q.Name + "=" + Uri.EscapeDataString(q.Value!)).ToList();
        return set.Count == 0 ? path : path + "?" + string.Join('&', set);
    }

    private DateOnly? Day(string? text, string which)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 9998)
        {
            return day;
        }

        Ignored.Add($"“{text}” is not a day (YYYY-MM-DD, from 2000), so the {which} day was left out.");
        return null;
    }
}
