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

    private readonly ListQuery _query = new();

    internal List<string> Ignored => _query.Ignored;

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

        var (f, t) = _query.Days(from, to);

        Filter = (a, f, t);
        Paged = !string.IsNullOrEmpty(cursor);
        var found = await this.Service<SearchAuditLog>().HandleAsync(Actor.Page(HttpContext), new SearchAuditLog.Input(a,
            f is { } first ? ListQuery.Start(first) : null, t is { } last ? ListQuery.Start(last).AddDays(1) : null, Paged ? cursor : null), ct);
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

    internal string PageUrl(string? cursor) =>
        ListQuery.Url("/audit-log", ("action", Filter.Action), ("from", ListQuery.Format(Filter.From)), ("to", ListQuery.Format(Filter.To)), ("cursor", cursor));

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
}
