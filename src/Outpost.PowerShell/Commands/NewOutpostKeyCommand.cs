using System.IO;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Config;
using Outpost.Core.Trust;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Makes an ECDSA P-256 key pair for signing jobs: &lt;name&gt;.key (private, protected) and &lt;name&gt;.pub
    /// (the line a responder lists in trusted_keys).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "OutpostKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OutpostKeyInfo))]
    public sealed class NewOutpostKeyCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidatePattern("^[A-Za-z0-9_.-]{1,64}$")]
        public string Name { get; set; } = "";

        /// <summary>Where the key files go; default the per-user Outpost folder's keys/ subfolder.</summary>
        [Parameter]
        public string? Folder { get; set; }

        protected override void ProcessRecord()
        {
            string folder = Folder == null ? Path.Combine(ConfigPaths.ConfigFolder(), "keys") : GetUnresolvedProviderPathFromPSPath(Folder);
            if (!ShouldProcess(Path.Combine(folder, Name + ".key"), "Create a signing key pair")) return;
            try
            {
                var key = OutpostKey.Generate(Name + "@" + System.Environment.MachineName);
                var (privatePath, publicPath) = key.Save(folder, Name);
                WriteObject(new OutpostKeyInfo(key, privatePath, publicPath));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
