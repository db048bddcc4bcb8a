using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The records (Records API) of the environment in use, newest first, from its plane; optionally of one record type.</summary>
public sealed class RecordsModel : DataPage
{
    internal RecordList? List { get; private set; }

    internal string? RecordType { get; private set; }

    internal bool Paged { get; private set; }

    internal List<string> Ignored { get; } = [];

    public async Task OnGetAsync(string? type, string? cursor, CancellationToken ct)
    {
        RecordType = string.IsNullOrWhiteSpace(type) ? null : type.Trim();
        if (RecordType is { Length: > ListRecords.MaxRecordType })
        {
            Ignored.Add($"A record type has at most {ListRecords.MaxRecordType} characters; the type filter was left out.");
            RecordType = null;
        }

        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var listed = await this.Service<ListRecords>().HandleAsync(PageActor, new ListRecords.Input(Shell.Current, RecordType, page), ct);
        if (listed.IsSuccess)
        {
            List = listed.Value;
        }
        else
        {
            Refused(listed.Error!);
        }
    }

    internal string PageUrl(string? cursor)
    {
        var query = new List<string>();
        if (RecordType is not null)
        {
            query.Add("type=" + Uri.EscapeDataString(RecordType));
        }

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return "/records" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    internal static string RecordUrl(string recordType, string entityId) => $"/records/{Uri.EscapeDataString(recordType)}/{Uri.EscapeDataString(entityId)}";
}
