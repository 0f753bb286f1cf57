using System;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using Outpost.Core;
using Outpost.Core.Remoting;

namespace Outpost.PowerShell
{
    /// <summary>Where decoded remote frames go: the cmdlet's streams, or a job's collections.</summary>
    internal interface IRemoteStreams
    {
        void Output(object? value);
        void Error(ErrorRecord record);
        void Warning(string message);
        void Verbose(string message);
        void Debug(string message);
        void Information(InformationRecord record);
        void Progress(ProgressRecord record);
    }

    /// <summary>Who a frame came from: the name every object and error is tagged with.</summary>
    internal sealed class RemoteOrigin
    {
        public RemoteOrigin(string targetName, string computerName)
        {
            TargetName = targetName;
            ComputerName = computerName;
        }

        /// <summary>The OutpostTarget property: the target's name.</summary>
        public string TargetName { get; }
        /// <summary>The PSComputerName property: the target's name, or the path for -Path.</summary>
        public string ComputerName { get; }
    }

    /// <summary>Turns frames (CliXml made by the remote PowerShell) back into objects and records.</summary>
    internal static class RemoteRecords
    {
        /// <returns>The terminating error when the frame is one, else null.</returns>
        public static ErrorRecord? Play(RemoteFrame frame, RemoteOrigin origin, IRemoteStreams streams)
        {
            if (frame.Kind == RemoteFrameKind.Text)
            {
                streams.Output(Tag(PSObject.AsPSObject(frame.Payload), origin));
                return null;
            }
            if (frame.Kind == RemoteFrameKind.Begin || frame.Kind == RemoteFrameKind.End) return null;
            object? value;
            try { value = PSSerializer.Deserialize(frame.Payload); }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // Whatever wrote this frame, it is one bad frame: say so and go on with the next.
                streams.Error(new ErrorRecord(new OutpostException("RemoteFrameInvalid", OutpostErrorKind.InvalidData,
                    $"{origin.TargetName} sent a {frame.Kind.ToString().ToLowerInvariant()} frame that is not valid CliXml ({e.Message}); it was skipped", origin.TargetName, e),
                    "RemoteFrameInvalid", ErrorCategory.InvalidData, origin.TargetName));
                return null;
            }
            switch (frame.Kind)
            {
                case RemoteFrameKind.Output:
                    // $null stays $null, as with Invoke-Command; it has nowhere to carry a computer name.
                    streams.Output(value == null ? null : Tag(PSObject.AsPSObject(value), origin));
                    return null;
                case RemoteFrameKind.Error:
                    streams.Error(ToErrorRecord(value, origin));
                    return null;
                case RemoteFrameKind.Terminating:
                    return ToErrorRecord(value, origin);
                case RemoteFrameKind.Warning:
                    streams.Warning(Message(value));
                    return null;
                case RemoteFrameKind.Verbose:
                    streams.Verbose(Message(value));
                    return null;
                case RemoteFrameKind.Debug:
                    streams.Debug(Message(value));
                    return null;
                case RemoteFrameKind.Information:
                    var info = PSObject.AsPSObject(value);
                    var record = new InformationRecord(Unwrap(info.Properties["MessageData"]?.Value), (info.Properties["Source"]?.Value as string) ?? origin.TargetName);
                    if (info.Properties["Tags"]?.Value is PSObject tags && tags.BaseObject is System.Collections.IEnumerable list)
                        foreach (object tag in list) record.Tags.Add(tag.ToString());
                    streams.Information(record);
                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// The cmdlet names the origin itself, always: a remote object that brings its own OutpostTarget or
        /// PSComputerName (the share is written by others) must not pass for output of another target.
        /// </summary>
        public static PSObject Tag(PSObject output, RemoteOrigin origin)
        {
            Set(output, "OutpostTarget", origin.TargetName);
            Set(output, "PSComputerName", origin.ComputerName);
            // As remoting marks its output: table views then show the PSComputerName column by themselves.
            Set(output, "PSShowComputerName", true);
            return output;
        }

        private static void Set(PSObject output, string name, object value)
        {
            if (output.Properties[name] != null) output.Properties.Remove(name);
            if (output.Properties[name] != null)
            {
                // Not an instance member (an adapted property of the base object): shadow it.
                output.Members.Remove(name);
            }
            output.Properties.Add(new PSNoteProperty(name, value));
        }

        /// <summary>
        /// A remote error as a local one, as remoting gives it: the remote message, error id, category and
        /// target, the position inside the script block (InvocationInfo), and the origin (PSComputerName).
        /// </summary>
        public static ErrorRecord ToErrorRecord(object? value, RemoteOrigin origin)
        {
            var remote = PSObject.AsPSObject(value);
            var exception = remote.Properties["Exception"]?.Value as PSObject;
            string message = exception?.Properties["Message"]?.Value?.ToString() ?? remote.ToString();
            string id = Text(remote, "FullyQualifiedErrorId") ?? "RemoteError";
            var category = Enum.TryParse(Text(remote, "ErrorCategory_Category"), out ErrorCategory parsed) ? parsed : ErrorCategory.NotSpecified;
            var invocation = remote.Properties["InvocationInfo"]?.Value as PSObject;
            var remoteException = new RemoteException(message);
            // The remote exception and invocation as they came, for whoever looks closer.
            remoteException.Data["OutpostRemoteException"] = exception;
            remoteException.Data["OutpostRemoteInvocationInfo"] = invocation;
            var record = new ErrorRecord(remoteException, id, category, remote.Properties["TargetObject"]?.Value);
            record.CategoryInfo.Activity = Text(remote, "ErrorCategory_Activity") ?? "";
            record.CategoryInfo.Reason = Text(remote, "ErrorCategory_Reason") ?? "";
            record.CategoryInfo.TargetName = Text(remote, "ErrorCategory_TargetName") ?? "";
            record.CategoryInfo.TargetType = Text(remote, "ErrorCategory_TargetType") ?? "";
            string? detailsMessage = Text(remote, "ErrorDetails_Message");
            string? recommended = Text(remote, "ErrorDetails_RecommendedAction");
            if (detailsMessage != null || recommended != null)
                record.ErrorDetails = new ErrorDetails(detailsMessage ?? message) { RecommendedAction = recommended ?? "" };
            var withOrigin = new RemotingErrorRecord(record, new OriginInfo(origin.ComputerName, Guid.Empty));
            RemotePosition.Attach(withOrigin, invocation);
            return withOrigin;
        }

        private static string? Text(PSObject remote, string name) => remote.Properties[name]?.Value?.ToString();

        private static string Message(object? value) =>
            PSObject.AsPSObject(value).Properties["Message"]?.Value?.ToString() ?? value?.ToString() ?? "";

        private static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is string s ? s : value;
    }
}
