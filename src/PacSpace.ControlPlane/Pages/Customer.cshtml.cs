using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// One customer of the environment in use: balance, profile, its deltas newest first with status and running balance (keyset
/// pages), the checkpoints holding its balance and the proof links the plane gives. Unknown there, another tenant's included: 404.
/// </summary>
public sealed class CustomerModel : DataPage
{
    internal string CustomerId { get; private set; } = "";

    internal CustomerDetail? Customer { get; private set; }

    internal bool Paged { get; private set; }

    public async Task OnGetAsync(string customerId, string? cursor, CancellationToken ct)
    {
        // Read from the request as sent, each segment decoded on its own: a customer id may hold a '/' (sent as %2F).
        CustomerId = RawPath.LastSegment(HttpContext, customerId);
        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var found = await this.Service<GetCustomer>().HandleAsync(PageActor, new GetCustomer.Input(Shell.Current, CustomerId, page), ct);
        if (found.IsSuccess)
        {
            Customer = found.Value;
        }
        else if (found.Error!.Status == 404)
        {
            Refused(found.Error! with { Message = $"There is no customer “{CustomerId}” in {EnvLabel}." });
        }
        else
        {
            Refused(found.Error!);
        }
    }

    internal string PageUrl(string? cursor) =>
        CustomersModel.CustomerUrl(CustomerId) + (cursor is null ? "" : "?cursor=" + Uri.EscapeDataString(cursor)) + "#deltas";
}
