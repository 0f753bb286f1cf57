using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Outpost.Core;
using Outpost.Core.Hosting;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hosting
{
    /// <summary>
    /// The task XML checked against the Task Scheduler schema (1.2) for every element it uses, with the
    /// types and ranges the documentation gives: https://learn.microsoft.com/windows/win32/taskschd/task-scheduler-schema
    /// (restartType: Count unsignedByte ≥ 1, Interval PT1M-P31D; settingsType and taskType are xs:all;
    /// logonType and runLevelType enumerations; priority 0-10).
    /// </summary>
    public class TaskSchedulerSchemaTests
    {
        private const string Xsd = @"<?xml version='1.0'?>
<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns='http://schemas.microsoft.com/windows/2004/02/mit/task'
  targetNamespace='http://schemas.microsoft.com/windows/2004/02/mit/task' elementFormDefault='qualified'>
  <xs:element name='Task'>
    <xs:complexType>
      <xs:all>
        <xs:element name='RegistrationInfo' minOccurs='0'>
          <xs:complexType><xs:all>
            <xs:element name='URI' type='xs:anyURI' minOccurs='0'/>
            <xs:element name='Description' type='xs:string' minOccurs='0'/>
          </xs:all></xs:complexType>
        </xs:element>
        <xs:element name='Triggers' minOccurs='0'>
          <xs:complexType><xs:choice minOccurs='0' maxOccurs='48'>
            <xs:element name='BootTrigger'><xs:complexType><xs:all>
              <xs:element name='Enabled' type='xs:boolean' minOccurs='0'/>
            </xs:all></xs:complexType></xs:element>
            <xs:element name='LogonTrigger'><xs:complexType><xs:all>
              <xs:element name='Enabled' type='xs:boolean' minOccurs='0'/>
              <xs:element name='UserId' type='nonEmptyString' minOccurs='0'/>
            </xs:all></xs:complexType></xs:element>
          </xs:choice></xs:complexType>
        </xs:element>
        <xs:element name='Principals' minOccurs='0'>
          <xs:complexType><xs:sequence>
            <xs:element name='Principal' maxOccurs='1'>
              <xs:complexType>
                <xs:all>
                  <xs:element name='UserId' type='nonEmptyString' minOccurs='0'/>
                  <xs:element name='LogonType' minOccurs='0'><xs:simpleType><xs:restriction base='xs:string'>
                    <xs:enumeration value='S4U'/><xs:enumeration value='Password'/><xs:enumeration value='InteractiveToken'/>
                    <xs:enumeration value='InteractiveTokenOrPassword'/><xs:enumeration value='ServiceAccount'/><xs:enumeration value='Group'/>
                  </xs:restriction></xs:simpleType></xs:element>
                  <xs:element name='RunLevel' minOccurs='0'><xs:simpleType><xs:restriction base='xs:string'>
                    <xs:enumeration value='LeastPrivilege'/><xs:enumeration value='HighestAvailable'/>
                  </xs:restriction></xs:simpleType></xs:element>
                </xs:all>
                <xs:attribute name='id' type='xs:ID'/>
              </xs:complexType>
            </xs:element>
          </xs:sequence></xs:complexType>
        </xs:element>
        <xs:element name='Settings' minOccurs='0'>
          <xs:complexType><xs:all>
            <xs:element name='AllowStartOnDemand' type='xs:boolean' minOccurs='0'/>
            <xs:element name='RestartOnFailure' minOccurs='0'>
              <xs:complexType><xs:all>
                <xs:element name='Interval'><xs:simpleType><xs:restriction base='xs:duration'>
                  <xs:minInclusive value='PT1M'/><xs:maxInclusive value='P31D'/>
                </xs:restriction></xs:simpleType></xs:element>
                <xs:element name='Count'><xs:simpleType><xs:restriction base='xs:unsignedByte'>
                  <xs:minInclusive value='1'/>
                </xs:restriction></xs:simpleType></xs:element>
              </xs:all></xs:complexType>
            </xs:element>
            <xs:element name='MultipleInstancesPolicy' minOccurs='0'><xs:simpleType><xs:restriction base='xs:string'>
              <xs:enumeration value='Parallel'/><xs:enumeration value='Queue'/><xs:enumeration value='IgnoreNew'/><xs:enumeration value='StopExisting'/>
            </xs:restriction></xs:simpleType></xs:element>
            <xs:element name='DisallowStartIfOnBatteries' type='xs:boolean' minOccurs='0'/>
            <xs:element name='StopIfGoingOnBatteries' type='xs:boolean' minOccurs='0'/>
            <xs:element name='AllowHardTerminate' type='xs:boolean' minOccurs='0'/>
            <xs:element name='StartWhenAvailable' type='xs:boolean' minOccurs='0'/>
            <xs:element name='RunOnlyIfNetworkAvailable' type='xs:boolean' minOccurs='0'/>
            <xs:element name='Enabled' type='xs:boolean' minOccurs='0'/>
            <xs:element name='Hidden' type='xs:boolean' minOccurs='0'/>
            <xs:element name='ExecutionTimeLimit' type='xs:duration' minOccurs='0'/>
            <xs:element name='Priority' minOccurs='0'><xs:simpleType><xs:restriction base='xs:byte'>
              <xs:minInclusive value='0'/><xs:maxInclusive value='10'/>
            </xs:restriction></xs:simpleType></xs:element>
          </xs:all></xs:complexType>
        </xs:element>
        <xs:element name='Actions'>
          <xs:complexType>
            <xs:sequence><xs:element name='Exec' maxOccurs='32'><xs:complexType><xs:all>
              <xs:element name='Command' type='nonEmptyString'/>
              <xs:element name='Arguments' type='xs:string' minOccurs='0'/>
              <xs:element name='WorkingDirectory' type='nonEmptyString' minOccurs='0'/>
            </xs:all></xs:complexType></xs:element></xs:sequence>
            <xs:attribute name='Context' type='xs:IDREF'/>
          </xs:complexType>
        </xs:element>
      </xs:all>
      <xs:attribute name='version'><xs:simpleType><xs:restriction base='xs:string'><xs:pattern value='\d+(\.\d+){1,3}'/></xs:restriction></xs:simpleType></xs:attribute>
    </xs:complexType>
  </xs:element>
  <xs:simpleType name='nonEmptyString'><xs:restriction base='xs:string'><xs:minLength value='1'/></xs:restriction></xs:simpleType>
</xs:schema>";

        private static List<string> Validate(string taskXml)
        {
            var schemas = new XmlSchemaSet();
            schemas.Add(XmlSchema.Read(new StringReader(Xsd), null)!);
            var errors = new List<string>();
            // The XML declares UTF-16 (what schtasks reads from the file we write); parse the text itself.
            var doc = XDocument.Parse(taskXml);
            doc.Validate(schemas, (_, e) => errors.Add(e.Message));
            return errors;
        }

        private static ServiceSpec Spec(TempFolder folder, ServiceScope scope, ServiceTrigger trigger) =>
            ResponderServiceSpecs.ForCli(@"C:\Program Files\Outpost\outpost.exe", new List<string>(),
                new ServicedResponder { SharePath = folder.Combine("share"), LaneCount = 2 }, scope, trigger);

        [Theory]
        [InlineData(ServiceScope.CurrentUser, ServiceTrigger.LogOn)]
        [InlineData(ServiceScope.AllUsers, ServiceTrigger.Startup)]
        [InlineData(ServiceScope.AllUsers, ServiceTrigger.LogOn)]
        public void The_task_xml_is_valid_against_the_task_scheduler_schema(ServiceScope scope, ServiceTrigger trigger)
        {
            using var folder = new TempFolder();
            string xml = ServiceDefinitions.TaskSchedulerXml(Spec(folder, scope, trigger));
            Assert.Empty(Validate(xml));
            XNamespace t = "http://schemas.microsoft.com/windows/2004/02/mit/task";
            int count = int.Parse(XDocument.Parse(xml).Descendants(t + "Count").Single().Value);
            Assert.InRange(count, 1, 255);
        }

        [Fact]
        public void The_schema_check_rejects_the_old_restart_count()
        {
            using var folder = new TempFolder();
            string xml = ServiceDefinitions.TaskSchedulerXml(Spec(folder, ServiceScope.AllUsers, ServiceTrigger.Startup));
            string broken = xml.Replace("<Count>255</Count>", "<Count>999</Count>");
            Assert.NotEqual(xml, broken);
            Assert.NotEmpty(Validate(broken));
        }

        [Fact]
        public void Each_scope_gets_a_trigger_that_can_start_it()
        {
            Assert.Equal(ServiceTrigger.LogOn, ServiceTriggers.DefaultFor(ServiceScope.CurrentUser));
            Assert.Equal(ServiceTrigger.Startup, ServiceTriggers.DefaultFor(ServiceScope.AllUsers));
            using var folder = new TempFolder();
            var e = Assert.Throws<OutpostException>(() => ServiceDefinitions.TaskSchedulerXml(Spec(folder, ServiceScope.CurrentUser, ServiceTrigger.Startup)));
            Assert.Equal("UnsupportedTrigger", e.ErrorId);
            Assert.Contains("-Trigger LogOn", e.Message);
            // A CurrentUser task names its user on the trigger and the principal, with an interactive token.
            XNamespace t = "http://schemas.microsoft.com/windows/2004/02/mit/task";
            var spec = Spec(folder, ServiceScope.CurrentUser, ServiceTrigger.LogOn);
            spec.UserId = "S-1-12-1-1234-5678-9012-3456";
            var doc = XDocument.Parse(ServiceDefinitions.TaskSchedulerXml(spec));
            Assert.Equal(spec.UserId, doc.Descendants(t + "LogonTrigger").Single().Element(t + "UserId")!.Value);
            Assert.Equal(spec.UserId, doc.Descendants(t + "Principal").Single().Element(t + "UserId")!.Value);
            Assert.Equal("InteractiveToken", doc.Descendants(t + "LogonType").Single().Value);
        }

        [Fact]
        public void PowerShell_is_found_in_PSHOME_whatever_the_host_process_is()
        {
            using var folder = new TempFolder();
            Assert.Equal("PowerShellNotFound", Assert.Throws<OutpostException>(() => PowerShellHost.FromPSHome(folder.Path)).ErrorId);
            File.WriteAllText(folder.Combine("powershell.exe"), "");
            Assert.Equal(folder.Combine("powershell.exe"), PowerShellHost.FromPSHome(folder.Path));
            File.WriteAllText(folder.Combine("pwsh"), "");
            Assert.Equal(folder.Combine("pwsh"), PowerShellHost.FromPSHome(folder.Path));
            Assert.Equal("PowerShellNotFound", Assert.Throws<OutpostException>(() => PowerShellHost.FromPSHome("")).ErrorId);
        }
    }
}
