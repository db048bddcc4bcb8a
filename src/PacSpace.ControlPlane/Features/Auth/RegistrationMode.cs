namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Who may register: anyone, or only holders of an approval token.</summary>
public enum RegistrationMode
{
    Open,
    Approval,
}
