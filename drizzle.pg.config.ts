// drizzle-kit config for the PostgreSQL twin of the schema: `npm run db:generate:pg` writes drizzle/pg/.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/pg/schema*.ts',
  out: './drizzle/pg',
});
