using System.Text.Json;
using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>One record's history in the environment in use, oldest entry first, from its plane. Unknown there (another tenant's included): 404.</summary>
public sealed class RecordModel : DataPage
{
    internal string RecordType { get; private set; } = "";

    internal string EntityId { get; private set; } = "";

    internal RecordHistory? History { get; private set; }

    internal long FromSeq { get; private set; }

    /// <summary>The highest entry number the Records API takes (2^53 − 1).</summary>
    private const long MaxSeq = 9_007_199_254_740_991;

    public async Task OnGetAsync(string recordType, string entityId, string? fromSeq, CancellationToken ct)
    {
        // Each segment decoded on its own from the request as sent: a type or an id may hold a '/' (sent as %2F).
        RecordType = RawPath.SegmentFromEnd(HttpContext, 2, recordType);
        EntityId = RawPath.SegmentFromEnd(HttpContext, 1, entityId);
        if (string.IsNullOrEmpty(fromSeq))
        {
            FromSeq = 0;
        }
        else if (long.TryParse(fromSeq, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) && seq <= MaxSeq)
        {
            FromSeq = seq;
        }
        else
        {
            Refused(Hosting.Errors.Error.Validation("fromSeq", "must be a whole number from 0 (the first entry shown)"));
            return;
        }

        var found = await this.Service<GetRecordHistory>().HandleAsync(PageActor, new GetRecordHistory.Input(Shell.Current, RecordType, EntityId, FromSeq), ct);
        if (found.IsSuccess)
        {
            History = found.Value;
        }
        else if (found.Error!.Status == 404)
        {
            Refused(found.Error! with { Message = $"There is no record “{EntityId}” of type “{RecordType}” in {EnvLabel}." });
        }
        else
        {
            Refused(found.Error!);
        }
    }

    internal string PageUrl(long? fromSeq) => RecordsModel.RecordUrl(RecordType, EntityId) + (fromSeq is long s and > 0 ? $"?fromSeq={s}" : "");

    /// <summary>The entry's title, when its content has one (the Records API requires it).</summary>
    internal static string? Title(JsonElement content) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    internal static string Readable(JsonElement content) => JsonSerializer.Serialize(content, Indented);

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
