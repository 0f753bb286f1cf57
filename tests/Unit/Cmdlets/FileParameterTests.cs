using System.IO;
using System.Management.Automation;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cmdlets
{
    /// <summary>
    /// -Attachment, -CollectTo and -Destination as PowerShell paths, in a real runspace: what is not a file or
    /// folder is refused before anything reaches a share (Files.Tests.ps1 drives the whole round trip).
    /// </summary>
    public class FileParameterTests : IClassFixture<ModuleRunspace>
    {
        private readonly ModuleRunspace _shell;

        public FileParameterTests(ModuleRunspace shell) => _shell = shell;

        // A cmdlet's terminating error ends its statement: the script's one error record is that error.
        private ErrorRecord Refused(string script, params (string Name, object? Value)[] variables) =>
            Assert.Single(_shell.Run(script, variables).Errors);

        [Fact]
        public void An_attachment_on_another_provider_is_refused_before_anything_is_written()
        {
            using var share = new TempFolder();
            var error = Refused("Submit-OutpostJob -Path $share -Command 'true' -Extension sh -Attachment Env:PATH", ("share", share.Path));
            Assert.Equal("AttachmentNotOnFileSystem,Outpost.PowerShell.Commands.SubmitOutpostJobCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.False(Directory.Exists(share.Combine("inbox")));
        }

        [Fact]
        public void A_CollectTo_folder_on_another_provider_is_refused()
        {
            using var share = new TempFolder();
            var error = Refused("Invoke-OutpostCommand -Path $share -Collect 'x' -CollectTo Env:\\ -ScriptBlock { 1 }", ("share", share.Path));
            Assert.Equal("DestinationNotOnFileSystem,Outpost.PowerShell.Commands.InvokeOutpostCommandCommand", error.FullyQualifiedErrorId);
        }

        [Fact]
        public void A_missing_attachment_names_the_path_and_says_nothing_was_sent()
        {
            using var share = new TempFolder();
            string missing = share.Combine("gone", "data.bin");
            var error = Refused("Invoke-OutpostCommand -Path $share -Attachment $missing -ScriptBlock { 1 }", ("share", share.Path), ("missing", missing));
            Assert.Equal("AttachmentNotFound,Outpost.PowerShell.Commands.InvokeOutpostCommandCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains(missing, error.Exception.Message);
            Assert.Contains("nothing was submitted", error.Exception.Message);
        }
    }
}
