using System.Globalization;
using System.Text.Json;
using PacSpace.ControlPlane.Features.Audit;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Who changed what in the account: the audit log newest first, filtered by action (or a family of actions) and UTC days, in
/// keyset pages. The log is the account's, kept by the control plane: both environments' entries are shown, each with the
/// environment it is about when it is about one.
/// </summary>
public sealed class AuditLogModel : SignedInPage
{
    internal SearchAuditLog.Output? Log { get; private set; }

    internal (string? Action, DateOnly? From, DateOnly? To) Filter { get; private set; }

    internal List<string> Ignored { get; } = [];

    internal bool Paged { get; private set; }

    internal string? Problem { get; private set; }

    internal bool Filtered => Filter.Action is not null || Filter.From is not null || Filter.To is not null;

    public async Task OnGetAsync(string? action, string? from, string? to, string? cursor, CancellationToken ct)
    {
        var a = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
        if (a is not null && !AuditActions.IsFilter(a))
        {
            Ignored.Add($"“{action}” is not an action the audit log records, so entries of every action are shown.");
            a = null;
        }

        var f = Day(from, "first");
        var t = Day(to, "last");
        if (f is { } x && t is { } y && y < x)
        {
            Ignored.Add("The last day is before the first, so both were left out.");
            (f, t) = (null, null);
        }

        Filter = (a, f, t);
        Paged = !string.IsNullOrEmpty(cursor);
        var found = await this.Service<SearchAuditLog>().HandleAsync(Actor.Page(HttpContext), new SearchAuditLog.Input(a,
            f is { } first ? Start(first) : null, t is { } last ? Start(last).AddDays(1) : null, Paged ? cursor : null), ct);
        if (found.IsSuccess)
        {
            Log = found.Value;
        }
        else
        {
            Response.StatusCode = found.Error!.Status;
            Problem = "That page link is not valid. Start again from the newest entries.";
        }
    }

    internal string PageUrl(string? cursor)
    {
        var query = new List<string>();
        Add("action", Filter.Action);
        Add("from", Filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", Filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return "/audit-log" + (query.Count == 0 ? "" : "?" + string.Join('&', query));

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
    }

    /// <summary>Who did it: the user's address, or what acted without one.</summary>
    internal static string Who(SearchAuditLog.EntryView e) => e.Email ?? e.Origin switch
    {
        "operator" => "An operator (command line)",
        "system" => "PacSpace",
        _ => e.UserId ?? "—",
    };

    internal static string Via(string origin) => origin switch
    {
        "page" => "dashboard",
        "api" => "Dashboard API",
        "operator" => "command line",
        "system" => "automatic",
        _ => origin,
    };

    /// <summary>The details as short "name: value" pairs (nested values as compact JSON); secrets are never in them.</summary>
    internal static IEnumerable<(string Name, string Value)> Details(JsonElement? details) =>
        details is { ValueKind: JsonValueKind.Object } d
            ? d.EnumerateObject().Where(p => p.Name != "environment" && p.Value.ValueKind != JsonValueKind.Null)
                .Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
            : [];

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

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
