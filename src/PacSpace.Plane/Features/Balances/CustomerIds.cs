using System.Security.Cryptography;
using System.Text;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// A customer exists from its first delta; its ledger identifier is SHA-256 of its id (the key its closing balances
/// are sorted by).
/// </summary>
internal static class CustomerIds
{
    public const string NotFound = "CUSTOMER_NOT_FOUND";

    public static string LedgerIdentifier(string customerId) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    /// <summary>A customer id taken from a route: as long as an emitted one may be.</summary>
    public static void Check(string customerId, List<ErrorDetail> errors)
    {
        if (customerId.Length is 0 or > NewDelta.MaxCustomerId)
        {
            errors.Add(new ErrorDetail("customerId", $"must be 1 to {NewDelta.MaxCustomerId} characters"));
        }
    }
}
