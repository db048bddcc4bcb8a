using System.Globalization;
using Microsoft.AspNetCore.Http;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// The query of the delivery-log routes, read field by field so that every problem is answered together, naming its field:
/// <c>environment</c> (any spelling of the two; default the user's preferred one), and for the list <c>status</c> (either
/// vocabulary), <c>limit</c>, <c>offset</c> and <c>endpointId</c>; for one event its id from the route. The planes apply
/// the same rules; checking here answers a bad request even while a plane is down, and keeps malformed ids out of the
/// internal paths.
/// </summary>
internal sealed class DeliveryQuery(IQueryCollection query)
{
    public const int MaxLimit = 100;

    public const long MaxOffset = 1_000_000_000;

    public const string AcceptedStatuses = "pending, retrying, delivered, failed (or QUEUED, PROCESSING, VERIFIED, FAILED), in any case";

    private readonly List<ErrorDetail> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public Error ToError() => Error.Validation(_errors);

    /// <summary>Null: the user's preferred environment.</summary>
    public PacSpaceEnvironment? Environment()
    {
        var text = String("environment");
        if (text is null)
        {
            return null;
        }

        if (WebhookRules.Environments.TryGetValue(text, out var env))
        {
            return env;
        }

        _errors.Add(new ErrorDetail("environment", $"must be one of {WebhookRules.AcceptedEnvironments}"));
        return null;
    }

    /// <summary>A delivery status (<see cref="WebhookDeliveryStates"/>) from either vocabulary; null when absent.</summary>
    public string? Status()
    {
        var text = String("status");
        if (text is null)
        {
            return null;
        }

        if (WebhookDeliveryStates.Parse(text) is { } status)
        {
            return status;
        }

        _errors.Add(new ErrorDetail("status", $"must be one of {AcceptedStatuses}"));
        return null;
    }

    public long? Integer(string name, long min, long max)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        _errors.Add(new ErrorDetail(name, $"must be a whole number from {min} to {max}"));
        return null;
    }

    /// <summary>An endpoint id (<c>wh_…</c>) to filter by; one of another tenant simply matches nothing.</summary>
    public string? EndpointId()
    {
        var text = String("endpointId");
        if (text is null || Hosting.Data.Ids.IsValid(text, "wh"))
        {
            return text;
        }

        _errors.Add(new ErrorDetail("endpointId", "must be a webhook endpoint id (wh_ and 26 characters)"));
        return null;
    }

    /// <summary>An event id from the route (<c>evt_…</c>, the event's <c>X-Event-ID</c>); a malformed one is named, as the planes name it.</summary>
    public string EventId(string routeValue)
    {
        if (!Hosting.Data.Ids.IsValid(routeValue, "evt"))
        {
            _errors.Add(new ErrorDetail("eventId", "must be an event id (evt_…), as X-Event-ID carries it"));
        }

        return routeValue;
    }

    /// <summary>A field given once; empty is absent; a repeated field is a problem rather than a silent pick.</summary>
    private string? String(string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0])))
        {
            return null;
        }

        if (values.Count > 1)
        {
            _errors.Add(new ErrorDetail(name, "must be given once"));
            return null;
        }

        return values[0];
    }
}
