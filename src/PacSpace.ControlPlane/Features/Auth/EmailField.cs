using System.Net.Mail;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The <c>email</c> field as registration, resending and access requests read it.</summary>
internal static class EmailField
{
    public static string? Read(FieldReader f)
    {
        var email = f.String("email", required: true, 3, 254);
        if (email is not null && (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !parsed.Host.Contains('.')))
        {
            f.Add("email", "must be an e-mail address such as dev@example.com");
            return null;
        }

        return email;
    }
}
