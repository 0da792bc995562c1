import { describe, expect, test } from 'vitest';
import { pomWithVersion } from './connector-install.js';

// The shape of flink-connector-kafka-5.0.0-2.2.pom on Maven Central (trimmed).
const PUBLISHED = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<parent>
		<groupId>org.apache.flink</groupId>
		<artifactId>flink-connector-kafka-parent</artifactId>
		<version>5.0.0-2.2</version>
	</parent>
	<artifactId>flink-connector-kafka</artifactId>
	<name>Flink : Connectors : Kafka</name>
	<packaging>jar</packaging>
	<properties>
		<x.version>1.0</x.version>
	</properties>
	<dependencies>
		<dependency>
			<groupId>org.apache.kafka</groupId>
			<artifactId>kafka-clients</artifactId>
			<version>4.0.0</version>
		</dependency>
	</dependencies>
</project>
`;

const projectVersion = (pom: string) => {
  const body = pom.slice(pom.indexOf('</parent>'));
  return [...body.split('<dependencies>')[0]!.replace(/<properties>[\s\S]*?<\/properties>/, '').matchAll(/<version>([^<]*)<\/version>/g)].map((m) => m[1]);
};

describe('the POM a local connector jar is installed with', () => {
  test("adds the project's own version after its artifactId; the parent and the dependencies keep theirs", () => {
    const pom = pomWithVersion(PUBLISHED, '5.0.0-2.2-local-0123456789ab');
    expect(projectVersion(pom)).toEqual(['5.0.0-2.2-local-0123456789ab']);
    expect(pom).toContain('<artifactId>flink-connector-kafka-parent</artifactId>\n\t\t<version>5.0.0-2.2</version>');
    expect(pom).toContain('<artifactId>kafka-clients</artifactId>\n\t\t\t<version>4.0.0</version>');
    expect(pom).toContain('<x.version>1.0</x.version>');
  });

  test('replaces a version the project declares itself', () => {
    const own = PUBLISHED.replace('<name>', '<version>9.9</version>\n\t<name>');
    expect(projectVersion(own)).toEqual(['9.9']);
    expect(projectVersion(pomWithVersion(own, '5.0.0-2.2-local-x'))).toEqual(['5.0.0-2.2-local-x']);
  });

  test('refuses a POM of another artifact', () => {
    expect(() => pomWithVersion(PUBLISHED.replace('<artifactId>flink-connector-kafka</artifactId>', '<artifactId>other</artifactId>'), '1')).toThrow(/not a flink-connector-kafka POM/);
  });
});
