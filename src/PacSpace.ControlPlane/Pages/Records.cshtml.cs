using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The records (Records API) of the environment in use, newest first, from its plane; optionally of one record type.</summary>
public sealed class RecordsModel : DataPage
{
    internal RecordList? List { get; private set; }

    internal string? RecordType { get; private set; }

    internal bool Paged { get; private set; }

    private readonly ListQuery _query = new();

    internal List<string> Ignored => _query.Ignored;

    public async Task OnGetAsync(string? type, string? cursor, CancellationToken ct)
    {
        RecordType = _query.Text(type, ListRecords.MaxRecordType, $"A record type has at most {ListRecords.MaxRecordType} characters; the type filter was left out.");
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

    internal string PageUrl(string? cursor) => ListQuery.Url("/records", ("type", RecordType), ("cursor", cursor));

    internal static string RecordUrl(string recordType, string entityId) => $"/records/{Uri.EscapeDataString(recordType)}/{Uri.EscapeDataString(entityId)}";
}
